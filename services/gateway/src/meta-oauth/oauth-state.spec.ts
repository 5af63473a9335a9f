import { OAUTH_STATE_TTL_SECONDS, signOauthState, verifyOauthState } from './oauth-state';

const SECRET = 'state-secret-state-secret-state-secret!!';
const session = {
  tenantId: '7c6b7a4e-4a55-4a55-8a55-000000000001',
  userId: '7c6b7a4e-4a55-4a55-8a55-0000000000aa',
};
const now = new Date('2026-11-24T08:00:00Z');

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

describe('OAuth state', () => {
  it('round-trips for the same session and carries a 32-byte random nonce', () => {
    const { state, claims } = signOauthState(SECRET, session, now);
    expect(Buffer.from(claims.nonce, 'base64url')).toHaveLength(32);
    expect(claims.exp).toBe(Math.floor(now.getTime() / 1000) + OAUTH_STATE_TTL_SECONDS);
    const check = verifyOauthState(SECRET, state, session, new Date(now.getTime() + 60_000));
    expect(check).toEqual({ ok: true, claims });
  });

  it('gives every state its own nonce', () => {
    const a = signOauthState(SECRET, session, now);
    const b = signOauthState(SECRET, session, now);
    expect(a.claims.nonce).not.toBe(b.claims.nonce);
    expect(a.state).not.toBe(b.state);
  });

  it('rejects a tampered payload (e.g. another tenant swapped in)', () => {
    const { state, claims } = signOauthState(SECRET, session, now);
    const [, signature] = state.split('.');
    const forged = `${b64json({ ...claims, tid: '7c6b7a4e-4a55-4a55-8a55-000000000002' })}.${signature}`;
    expect(
      verifyOauthState(SECRET, forged, { ...session, tenantId: '7c6b7a4e-4a55-4a55-8a55-000000000002' }, now),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a tampered signature and a state signed with another secret', () => {
    const { state } = signOauthState(SECRET, session, now);
    const [payload, signature] = state.split('.');
    const flipped = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(verifyOauthState(SECRET, flipped, session, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const other = signOauthState('another-secret-another-secret-another!!', session, now).state;
    expect(verifyOauthState(SECRET, other, session, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects an expired state', () => {
    const { state } = signOauthState(SECRET, session, now);
    const later = new Date(now.getTime() + OAUTH_STATE_TTL_SECONDS * 1000 + 1);
    expect(verifyOauthState(SECRET, state, session, later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a state issued to another user or another tenant', () => {
    const { state } = signOauthState(SECRET, session, now);
    expect(
      verifyOauthState(SECRET, state, { ...session, userId: '7c6b7a4e-4a55-4a55-8a55-0000000000bb' }, now),
    ).toEqual({ ok: false, reason: 'wrong_session' });
    expect(
      verifyOauthState(SECRET, state, { ...session, tenantId: '7c6b7a4e-4a55-4a55-8a55-000000000009' }, now),
    ).toEqual({ ok: false, reason: 'wrong_session' });
  });

  it.each([undefined, '', 'no-dot', 'a.b.c', '.sig', 'x'.repeat(2000), 42])(
    'rejects malformed %p',
    (value) => {
      expect(verifyOauthState(SECRET, value, session, now)).toMatchObject({ ok: false });
    },
  );

  it('rejects a correctly signed payload that is not a state', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const payload = b64json({ hello: 'world' });
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url');
    expect(verifyOauthState(SECRET, `${payload}.${signature}`, session, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
