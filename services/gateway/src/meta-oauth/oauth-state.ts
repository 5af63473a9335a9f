import { createHash, createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '@crm/nest-common';

/** How long a consent dialog may take before its `state` is refused. */
export const OAUTH_STATE_TTL_SECONDS = 10 * 60;

/**
 * What the signed `state` carries: who started the flow, a single-use nonce, an expiry (epoch seconds) and `bnd`,
 * the SHA-256 of the browser binding: a random value kept in the httpOnly `crm_oauth` cookie of the browser that
 * asked for the consent URL. The state travels through Meta; the binding never leaves that browser.
 */
export type OauthStateClaims = { tid: string; uid: string; nonce: string; exp: number; bnd: string };

export type StateCheck =
  | { ok: true; claims: OauthStateClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_session' | 'wrong_browser' };

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

function bindingHash(binding: string): string {
  return createHash('sha256').update(binding).digest('base64url');
}

/**
 * `base64url(JSON claims).base64url(HMAC-SHA256(secret, that first part))`, and the fresh browser `binding` the
 * caller puts in the `crm_oauth` cookie.
 */
export function signOauthState(
  secret: string,
  session: { tenantId: string; userId: string },
  now: Date = new Date(),
): { state: string; claims: OauthStateClaims; binding: string } {
  const binding = randomBytes(32).toString('base64url');
  const claims: OauthStateClaims = {
    tid: session.tenantId,
    uid: session.userId,
    nonce: randomBytes(32).toString('base64url'),
    exp: Math.floor(now.getTime() / 1000) + OAUTH_STATE_TTL_SECONDS,
    bnd: bindingHash(binding),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return { state: `${payload}.${mac(secret, payload)}`, claims, binding };
}

function isClaims(value: unknown): value is OauthStateClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.tid === 'string' &&
    typeof c.uid === 'string' &&
    typeof c.nonce === 'string' &&
    typeof c.exp === 'number' &&
    Number.isFinite(c.exp) &&
    typeof c.bnd === 'string'
  );
}

/**
 * Check a `state` that came back from Meta: signature (constant time), then expiry, then that it was issued to the
 * same tenant and user as the current session, then that this browser holds its binding (the `crm_oauth` cookie):
 * a state started in another browser — an attacker's, sent to a victim logged into the attacker's tenant — is
 * refused. The nonce still has to be consumed once.
 */
export function verifyOauthState(
  secret: string,
  state: unknown,
  session: { tenantId: string; userId: string },
  binding: unknown,
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
  if (typeof binding !== 'string' || binding.length === 0 || binding.length > 256) {
    return { ok: false, reason: 'wrong_browser' };
  }
  if (!safeEqual(bindingHash(binding), claims.bnd)) return { ok: false, reason: 'wrong_browser' };
  return { ok: true, claims };
}
