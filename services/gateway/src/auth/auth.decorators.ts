import {
  createParamDecorator,
  SetMetadata,
  UnauthorizedException,
  type ExecutionContext,
} from '@nestjs/common';
import type { Role } from '@crm/contracts';
import type { SessionContext, SessionRequest } from './session';

export const PUBLIC_ROUTE = 'crm:public-route';
export const ROLES_KEY = 'crm:roles';

/** A `/crm` route that needs no session (only login). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Roles allowed on a route, e.g. `@Roles(...MODULE_ROLES.marketing)`; any other role gets 403. */
export const Roles = (...roles: readonly Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, [...roles]);

/** The verified caller `{ userId, tenantId, role }`: the only source of a tenant id for RPC payloads. */
export const Session = createParamDecorator((_data: unknown, context: ExecutionContext): SessionContext => {
  const session = context.switchToHttp().getRequest<SessionRequest>().crmSession;
  if (!session) throw new UnauthorizedException('not signed in');
  return session;
});
