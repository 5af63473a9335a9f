import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HealthController, MetricsController } from '@crm/nest-common';
import { PUBLIC_ROUTE } from './auth.decorators';
import { SESSION_COOKIE, type SessionRequest } from './session';
import { SessionService } from './session.service';

/** Nest controllers of the shared library that are open by design (probes and Prometheus). */
const OPEN_CONTROLLERS: readonly unknown[] = [HealthController, MetricsController];

/**
 * Global guard, closed by default: every Nest route needs a valid `crm_session` cookie unless its handler or
 * controller is `@Public()` (login, Meta webhooks) or it is a health/metrics probe. The verified caller is
 * put on the request for `@Session()`. (Deciding by route metadata, not by URL prefix, means no spelling of
 * a path — `/CRM/leads`, `//crm/leads` — can skip the check.)
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly reflector: Reflector,
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
    return true;
  }
}
