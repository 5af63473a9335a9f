import { DomainError, type ActorRequest, type Role } from '@crm/contracts';
import type { Visibility } from '../leads/opportunity-store';

/** Roles that see every opportunity and sale of the tenant. */
const SEE_ALL: readonly Role[] = ['ceo', 'professional'];

/**
 * What the caller may see: `null` for everything of the tenant (ceo, professional); for a setter or closer their own
 * user id, meaning the opportunities they own or whose lead is assigned to them (and the sales of those).
 */
export function visibilityOf(actor: Pick<ActorRequest, 'actorUserId' | 'actorRole'>): Visibility {
  return SEE_ALL.includes(actor.actorRole) ? null : actor.actorUserId;
}

/**
 * The owner an opportunity may be given by the caller: a setter or closer can only own opportunities themselves
 * (giving one away, or leaving it ownerless, would hide it from them).
 */
export function assertMayAssignOwner(
  actor: Pick<ActorRequest, 'actorUserId' | 'actorRole'>,
  ownerId: string | null,
): void {
  if (visibilityOf(actor) !== null && ownerId !== actor.actorUserId) {
    throw new DomainError('FORBIDDEN', `a ${actor.actorRole} can only assign opportunities to themselves`);
  }
}
