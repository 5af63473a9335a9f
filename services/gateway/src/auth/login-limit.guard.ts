import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayHttpError } from '../http/http-error';
import { LoginLimiter } from './login-limiter';

/**
 * Rate limit of login and sign-up (`LoginLimiter`): 429 `TOO_MANY_REQUESTS` with `retryAfterSeconds` (and the
 * `Retry-After` header). The client IP is Express's `request.ip`, which honours `TRUST_PROXY`.
 */
@Injectable()
export class LoginLimitGuard implements CanActivate {
  constructor(private readonly limiter: LoginLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const body = request.body as Record<string, unknown> | undefined;
    const email = body && typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    const verdict = await this.limiter.hit(email, request.ip ?? 'unknown');
    if (!verdict.allowed) {
      throw new GatewayHttpError(429, 'TOO_MANY_REQUESTS', 'too many sign-in attempts; wait and try again', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
    return true;
  }
}
