import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { CookieOptions, Response } from 'express';
import { Roles, type Role } from '@crm/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { SESSION_COOKIE, type SessionClaims, type SessionContext } from './session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Issues and verifies the session JWT (HS256, SESSION_SECRET) and sets/clears its cookie. */
@Injectable()
export class SessionService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async issue(response: Response, session: SessionContext): Promise<void> {
    const claims: SessionClaims = {
      sub: session.userId,
      tid: session.tenantId,
      role: session.role,
      sid: session.sessionId,
    };
    const token = await this.jwt.signAsync(claims);
    response.cookie(SESSION_COOKIE, token, {
      ...this.cookieOptions(),
      maxAge: this.config.SESSION_TTL_SECONDS * 1000,
    });
  }

  clear(response: Response): void {
    response.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  /**
   * The session a cookie value proves, or `undefined` when it is missing, forged, expired or malformed — or has no
   * `sid` (a token from before server-side sessions: its user signs in again).
   */
  async verify(token: unknown): Promise<SessionContext | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return undefined;
    let claims: Partial<SessionClaims>;
    try {
      claims = await this.jwt.verifyAsync<SessionClaims>(token);
    } catch {
      return undefined;
    }
    const { sub, tid, role, sid } = claims;
    if (typeof sub !== 'string' || !UUID.test(sub)) return undefined;
    if (typeof tid !== 'string' || !UUID.test(tid)) return undefined;
    if (typeof role !== 'string' || !(Roles as readonly string[]).includes(role)) return undefined;
    if (typeof sid !== 'string' || !UUID.test(sid)) return undefined;
    return { userId: sub, tenantId: tid, role: role as Role, sessionId: sid };
  }

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.COOKIE_SECURE, path: '/' };
  }
}
