import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { HealthController, MetricsController } from '@crm/nest-common';
import { GatewayHttpError } from '../http/http-error';
import { PUBLIC_ROUTE } from './auth.decorators';
import { SESSION_COOKIE, type SessionRequest } from './session';
import { SessionService } from './session.service';
import { UserAccessCache } from './user-access';

/** Nest controllers of the shared library that are open by design (probes and Prometheus). */
const OPEN_CONTROLLERS: readonly unknown[] = [HealthController, MetricsController];

/**
 * Global guard, closed by default: every Nest route needs a valid `crm_session` cookie unless its handler or
 * controller is `@Public()` (login, sign-up, Meta webhooks) or it is a health/metrics probe. The verified caller is
 * put on the request for `@Session()`. (Deciding by route metadata, not by URL prefix, means no spelling of
 * a path — `/CRM/leads`, `//crm/leads` — can skip the check.)
 *
 * The JWT alone would outlive a logout, a deactivation or a change of role, so on a protected route the user and
 * the server-side session (`sid`) are checked against crm-service (`UserAccessCache`, at most 5 s behind a
 * change): a deactivated user gets 401 `ACCOUNT_DISABLED`, a deleted user or a revoked/expired session 401
 * `UNAUTHORIZED` (all clear the cookie), and the role used is the current one.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly reflector: Reflector,
    private readonly access: UserAccessCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<SessionRequest>();
    const cookies = request.cookies as Record<string, unknown> | undefined;
    const session = await this.sessions.verify(cookies?.[SESSION_COOKIE]);
    if (session) request.crmSession = session;
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic || OPEN_CONTROLLERS.includes(context.getClass())) return true;
    if (!session) throw new UnauthorizedException('not signed in');
    const access = await this.access.get(session);
    if (!access?.active || !access.sessionLive) {
      this.sessions.clear(context.switchToHttp().getResponse<Response>());
      delete request.crmSession;
      if (!access) throw new UnauthorizedException('the session user no longer exists');
      // Deactivation also revokes the sessions: say why, rather than "session ended".
      if (!access.active) {
        throw new GatewayHttpError(
          401,
          'ACCOUNT_DISABLED',
          'this account has been deactivated; ask your company admin',
        );
      }
      throw new UnauthorizedException('this session has ended; sign in again');
    }
    request.crmSession = { ...session, role: access.role };
    return true;
  }
}
