import { createHash } from 'node:crypto';
import { OAUTH_STATE_TTL_SECONDS, signOauthState, verifyOauthState } from './oauth-state';

const SECRET = 'state-secret-state-secret-state-secret!!';
const session = {
  tenantId: '7c6b7a4e-4a55-4a55-8a55-000000000001',
  userId: '7c6b7a4e-4a55-4a55-8a55-0000000000aa',
};
const now = new Date('2026-11-24T08:00:00Z');
const BINDING = 'browser-binding-browser-binding-browser-bind';

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

describe('OAuth state', () => {
  it('round-trips for the same session and browser and carries a 32-byte random nonce', () => {
    const { state, claims, binding } = signOauthState(SECRET, session, now);
    expect(Buffer.from(claims.nonce, 'base64url')).toHaveLength(32);
    expect(Buffer.from(binding, 'base64url')).toHaveLength(32);
    expect(claims.exp).toBe(Math.floor(now.getTime() / 1000) + OAUTH_STATE_TTL_SECONDS);
    const check = verifyOauthState(SECRET, state, session, binding, new Date(now.getTime() + 60_000));
    expect(check).toEqual({ ok: true, claims });
  });

  it('commits to the hash of the browser binding, never the binding itself', () => {
    const { state, claims, binding } = signOauthState(SECRET, session, now);
    expect(claims.bnd).toBe(createHash('sha256').update(binding).digest('base64url'));
    expect(state).not.toContain(binding);
    expect(Buffer.from(state.split('.')[0], 'base64url').toString('utf8')).not.toContain(binding);
  });

  it('gives every state its own nonce and binding', () => {
    const a = signOauthState(SECRET, session, now);
    const b = signOauthState(SECRET, session, now);
    expect(a.claims.nonce).not.toBe(b.claims.nonce);
    expect(a.binding).not.toBe(b.binding);
    expect(a.state).not.toBe(b.state);
  });

  it('rejects a state presented by a browser without its binding or with another one', () => {
    const { state, binding } = signOauthState(SECRET, session, now);
    const other = signOauthState(SECRET, session, now).binding;
    for (const presented of [undefined, '', other, `${binding}x`, binding.slice(1), 42, 'y'.repeat(300)]) {
      expect(verifyOauthState(SECRET, state, session, presented, now)).toEqual({
        ok: false,
        reason: 'wrong_browser',
      });
    }
  });

  it('rejects a tampered payload (e.g. another tenant swapped in)', () => {
    const { state, claims, binding } = signOauthState(SECRET, session, now);
    const [, signature] = state.split('.');
    const forged = `${b64json({ ...claims, tid: '7c6b7a4e-4a55-4a55-8a55-000000000002' })}.${signature}`;
    expect(
      verifyOauthState(
        SECRET,
        forged,
        { ...session, tenantId: '7c6b7a4e-4a55-4a55-8a55-000000000002' },
        binding,
        now,
      ),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a tampered signature and a state signed with another secret', () => {
    const { state, binding } = signOauthState(SECRET, session, now);
    const [payload, signature] = state.split('.');
    const flipped = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(verifyOauthState(SECRET, flipped, session, binding, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const other = signOauthState('another-secret-another-secret-another!!', session, now).state;
    expect(verifyOauthState(SECRET, other, session, binding, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects an expired state', () => {
    const { state, binding } = signOauthState(SECRET, session, now);
    const later = new Date(now.getTime() + OAUTH_STATE_TTL_SECONDS * 1000 + 1);
    expect(verifyOauthState(SECRET, state, session, binding, later)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects a state issued to another user or another tenant', () => {
    const { state, binding } = signOauthState(SECRET, session, now);
    expect(
      verifyOauthState(
        SECRET,
        state,
        { ...session, userId: '7c6b7a4e-4a55-4a55-8a55-0000000000bb' },
        binding,
        now,
      ),
    ).toEqual({ ok: false, reason: 'wrong_session' });
    expect(
      verifyOauthState(
        SECRET,
        state,
        { ...session, tenantId: '7c6b7a4e-4a55-4a55-8a55-000000000009' },
        binding,
        now,
      ),
    ).toEqual({ ok: false, reason: 'wrong_session' });
  });

  it.each([undefined, '', 'no-dot', 'a.b.c', '.sig', 'x'.repeat(2000), 42])(
    'rejects malformed %p',
    (value) => {
      expect(verifyOauthState(SECRET, value, session, BINDING, now)).toMatchObject({ ok: false });
    },
  );

  it('rejects a correctly signed payload that is not a state', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const payload = b64json({ hello: 'world' });
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url');
    expect(verifyOauthState(SECRET, `${payload}.${signature}`, session, BINDING, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
