import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@crm/contracts';
import { ROLES_KEY } from './auth.decorators';
import type { SessionRequest } from './session';

/** Global guard (after the session guard): a route with `@Roles(...)` admits only those roles. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!allowed) return true;
    const session = context.switchToHttp().getRequest<SessionRequest>().crmSession;
    if (!session || !allowed.includes(session.role)) {
      throw new ForbiddenException('your role cannot use this module');
    }
    return true;
  }
}
