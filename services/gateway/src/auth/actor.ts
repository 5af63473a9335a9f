import type { ActorRequest } from '@crm/contracts';
import type { SessionContext } from './session';

/** The caller of an `ActorRequest` (tenant, user, role), from the verified session only. */
export function actorOf(
  session: SessionContext,
): Pick<ActorRequest, 'tenantId' | 'actorUserId' | 'actorRole'> {
  return { tenantId: session.tenantId, actorUserId: session.userId, actorRole: session.role };
}
