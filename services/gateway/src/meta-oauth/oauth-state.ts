import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '@crm/nest-common';

/** How long a consent dialog may take before its `state` is refused. */
export const OAUTH_STATE_TTL_SECONDS = 10 * 60;

/** What the signed `state` carries: who started the flow, a single-use nonce and an expiry (epoch seconds). */
export type OauthStateClaims = { tid: string; uid: string; nonce: string; exp: number };

export type StateCheck =
  | { ok: true; claims: OauthStateClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_session' };

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** `base64url(JSON claims).base64url(HMAC-SHA256(secret, that first part))`. */
export function signOauthState(
  secret: string,
  session: { tenantId: string; userId: string },
  now: Date = new Date(),
): { state: string; claims: OauthStateClaims } {
  const claims: OauthStateClaims = {
    tid: session.tenantId,
    uid: session.userId,
    nonce: randomBytes(32).toString('base64url'),
    exp: Math.floor(now.getTime() / 1000) + OAUTH_STATE_TTL_SECONDS,
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return { state: `${payload}.${mac(secret, payload)}`, claims };
}

function isClaims(value: unknown): value is OauthStateClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.tid === 'string' &&
    typeof c.uid === 'string' &&
    typeof c.nonce === 'string' &&
    typeof c.exp === 'number' &&
    Number.isFinite(c.exp)
  );
}

/**
 * Check a `state` that came back from Meta: signature (constant time), then expiry, then that it was
 * issued to the same tenant and user as the current session. The nonce still has to be consumed once.
 */
export function verifyOauthState(
  secret: string,
  state: unknown,
  session: { tenantId: string; userId: string },
  now: Date = new Date(),
): StateCheck {
  if (typeof state !== 'string' || state.length > 1024) return { ok: false, reason: 'malformed' };
  const parts = state.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const [payload, signature] = parts;
  if (!safeEqual(signature, mac(secret, payload))) return { ok: false, reason: 'bad_signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  if (!safeEqual(claims.tid, session.tenantId) || !safeEqual(claims.uid, session.userId)) {
    return { ok: false, reason: 'wrong_session' };
  }
  return { ok: true, claims };
}
