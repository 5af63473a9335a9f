import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerOptions } from '@nestjs/throttler';
import { GatewayHttpError } from '../http/http-error';

/** Login attempts allowed per minute for one (IP, email) pair, and for one IP across all emails. */
export const LOGIN_ATTEMPTS_PER_EMAIL = 5;
export const LOGIN_ATTEMPTS_PER_IP = 60;
const MINUTE_MS = 60_000;

function emailOf(request: Record<string, unknown>): string {
  const body = request.body as Record<string, unknown> | undefined;
  const email = body && typeof body.email === 'string' ? body.email : '';
  return email.trim().toLowerCase().slice(0, 254);
}

function ipOf(request: Record<string, unknown>): string {
  return typeof request.ip === 'string' ? request.ip : 'unknown';
}

/** Throttlers of `POST /crm/auth/login` (in memory, per gateway replica). */
export const LOGIN_THROTTLERS: ThrottlerOptions[] = [
  {
    name: 'login-email',
    ttl: MINUTE_MS,
    limit: LOGIN_ATTEMPTS_PER_EMAIL,
    getTracker: (request) => `${ipOf(request)}|${emailOf(request)}`,
  },
  { name: 'login-ip', ttl: MINUTE_MS, limit: LOGIN_ATTEMPTS_PER_IP, getTracker: (request) => ipOf(request) },
];

/** Rate limit for the login route: 429 `TOO_MANY_REQUESTS` with `retryAfterSeconds`. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new GatewayHttpError(
      429,
      'TOO_MANY_REQUESTS',
      'too many login attempts; wait a minute and try again',
      { retryAfterSeconds: Math.max(1, Math.ceil(detail.timeToBlockExpire)) },
    );
  }
}
