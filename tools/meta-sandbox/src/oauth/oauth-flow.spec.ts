import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import { newSandbox, TEST_SECRET } from '../test-support/sandbox-fixture';
import type { Sandbox } from '../sandbox';

const REDIRECT = 'http://localhost:3000/auth/meta/callback';

type TokenBody = { access_token: string; token_type: string; expires_in: number };
type DebugBody = { data: Record<string, unknown> & { error?: { code: number; subcode: number } } };

const openDialog = async (sandbox: Sandbox, query: Record<string, string>) =>
  request(sandbox.app)
    .get('/v23.0/dialog/oauth')
    .query({ client_id: SANDBOX_IDS.appId, redirect_uri: REDIRECT, response_type: 'code', ...query });

const linkHref = (html: string, id: string): string => {
  const match = new RegExp(`id="${id}" href="([^"]+)"`).exec(html);
  if (!match) throw new Error(`no #${id} link`);
  return match[1].replace(/&amp;/g, '&');
};

const authorize = async (sandbox: Sandbox, state = 'csrf-123'): Promise<string> => {
  const page = await openDialog(sandbox, {
    state,
    scope: 'ads_read,business_management,whatsapp_business_management',
  });
  const res = await request(sandbox.app).get(linkHref(page.text, 'sandbox-consent-continue')).expect(302);
  const location = new URL(res.headers.location as string);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe(state);
  return location.searchParams.get('code') ?? '';
};

const exchange = (sandbox: Sandbox, code: string, redirectUri = REDIRECT) =>
  request(sandbox.app)
    .get('/v23.0/oauth/access_token')
    .query({ client_id: SANDBOX_IDS.appId, client_secret: TEST_SECRET, redirect_uri: redirectUri, code });

describe('OAuth (Facebook Login for Business)', () => {
  let sandbox: Sandbox;
  let clock: number;
  beforeEach(() => {
    clock = Date.parse('2026-09-12T15:00:00Z');
    sandbox = newSandbox({ now: () => new Date(clock) });
  });

  it('renders a consent page with app, user, scopes and Continue / Cancel controls', async () => {
    const res = await openDialog(sandbox, { state: 's1', scope: 'ads_read,leads_retrieval' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('CRM Ventas');
    expect(res.text).toContain('Carla Gómez');
    expect(res.text).toContain('data-scope="ads_read"');
    expect(res.text).toContain('data-scope="leads_retrieval"');
    expect(res.text).toContain('id="sandbox-consent-continue"');
    expect(res.text).toContain('id="sandbox-consent-cancel"');
  });

  it('shows an error page for an unknown client_id', async () => {
    const res = await openDialog(sandbox, { client_id: '999', state: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid App ID');
    expect(res.text).not.toContain('id="sandbox-consent-continue"');
  });

  it('runs dialog → code → short-lived → long-lived → debug_token', async () => {
    const code = await authorize(sandbox);
    const short = await exchange(sandbox, code).expect(200);
    const shortBody = short.body as TokenBody;
    expect(shortBody.token_type).toBe('bearer');
    expect(shortBody.expires_in).toBe(7200);

    const long = await request(sandbox.app)
      .get('/oauth/access_token')
      .query({
        grant_type: 'fb_exchange_token',
        client_id: SANDBOX_IDS.appId,
        client_secret: TEST_SECRET,
        fb_exchange_token: shortBody.access_token,
      })
      .expect(200);
    const longBody = long.body as TokenBody;
    expect(longBody.expires_in).toBe(5183944);
    expect(longBody.access_token).not.toBe(shortBody.access_token);

    const debug = await request(sandbox.app)
      .get('/v23.0/debug_token')
      .query({ input_token: longBody.access_token, access_token: `${SANDBOX_IDS.appId}|${TEST_SECRET}` })
      .expect(200);
    const data = (debug.body as DebugBody).data;
    expect(data.is_valid).toBe(true);
    expect(data.app_id).toBe(SANDBOX_IDS.appId);
    expect(data.type).toBe('USER');
    expect(data.user_id).toBe(SANDBOX_IDS.userId);
    expect(data.expires_at).toBe(Math.floor(clock / 1000) + 5183944);
    expect(data.data_access_expires_at).toBe(Math.floor(clock / 1000) + 90 * 86400);
    expect(data.scopes).toEqual(
      expect.arrayContaining([
        'ads_read',
        'business_management',
        'whatsapp_business_management',
        'public_profile',
      ]),
    );
    expect(data.granular_scopes).toEqual(
      expect.arrayContaining([
        { scope: 'business_management', target_ids: [SANDBOX_IDS.businessId] },
        { scope: 'whatsapp_business_management', target_ids: [SANDBOX_IDS.wabaId] },
      ]),
    );

    const me = await request(sandbox.app)
      .get('/v23.0/me')
      .query({ fields: 'id,name,email' })
      .set('Authorization', `Bearer ${longBody.access_token}`)
      .expect(200);
    expect(me.body).toEqual({
      id: SANDBOX_IDS.userId,
      name: 'Carla Gómez',
      email: 'carla.gomez@inmobiliariasol.mx',
    });
  });

  it('accepts the code exchange as a form POST (passport / oauth2 style)', async () => {
    const code = await authorize(sandbox);
    const res = await request(sandbox.app)
      .post('/oauth/access_token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        client_id: SANDBOX_IDS.appId,
        client_secret: TEST_SECRET,
        redirect_uri: REDIRECT,
        code,
      })
      .expect(200);
    expect((res.body as TokenBody).access_token).toMatch(/^EAA/);
  });

  it('codes are single-use, bound to the redirect_uri and expire after 10 minutes', async () => {
    const code = await authorize(sandbox);
    const mismatch = await exchange(sandbox, code, 'http://evil.example/cb').expect(400);
    expect(mismatch.body.error).toMatchObject({ type: 'OAuthException', code: 100, error_subcode: 36008 });
    await exchange(sandbox, code).expect(200);
    const reused = await exchange(sandbox, code).expect(400);
    expect(reused.body.error).toMatchObject({ type: 'OAuthException', code: 100 });
    expect(typeof reused.body.error.fbtrace_id).toBe('string');

    const late = await authorize(sandbox);
    clock += 10 * 60 * 1000 + 1;
    const expired = await exchange(sandbox, late).expect(400);
    expect(expired.body.error.code).toBe(100);
    const bogus = await exchange(sandbox, 'not-a-code').expect(400);
    expect(bogus.body.error.code).toBe(100);
  });

  it('rejects a wrong client_secret', async () => {
    const code = await authorize(sandbox);
    const res = await request(sandbox.app)
      .get('/oauth/access_token')
      .query({ client_id: SANDBOX_IDS.appId, client_secret: 'wrong', redirect_uri: REDIRECT, code })
      .expect(400);
    expect(res.body.error.type).toBe('OAuthException');
  });

  it('Cancel redirects with access_denied and the state', async () => {
    const page = await openDialog(sandbox, { state: 'st-9', config_id: '777' });
    const res = await request(sandbox.app).get(linkHref(page.text, 'sandbox-consent-cancel')).expect(302);
    const location = new URL(res.headers.location as string);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'access_denied',
      error_code: '200',
      error_description: 'Permissions error',
      error_reason: 'user_denied',
      state: 'st-9',
    });
  });

  it('an expired short-lived token cannot be exchanged and debug_token reports 190/463', async () => {
    const code = await authorize(sandbox);
    const { access_token: token } = (await exchange(sandbox, code).expect(200)).body as TokenBody;
    clock += 7200 * 1000 + 1000;
    const res = await request(sandbox.app)
      .get('/oauth/access_token')
      .query({
        grant_type: 'fb_exchange_token',
        client_id: SANDBOX_IDS.appId,
        client_secret: TEST_SECRET,
        fb_exchange_token: token,
      })
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    const debug = await request(sandbox.app)
      .get('/debug_token')
      .query({ input_token: token, access_token: `${SANDBOX_IDS.appId}|${TEST_SECRET}` })
      .expect(200);
    expect((debug.body as DebugBody).data.is_valid).toBe(false);
    expect((debug.body as DebugBody).data.error).toMatchObject({ code: 190, subcode: 463 });
    const use = await request(sandbox.app).get('/me').query({ access_token: token }).expect(400);
    expect(use.body.error).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });
  });

  it('debug_token needs the app token and reports unknown tokens as invalid', async () => {
    await request(sandbox.app)
      .get('/debug_token')
      .query({ input_token: 'x', access_token: `${SANDBOX_IDS.appId}|nope` })
      .expect(400);
    const res = await request(sandbox.app)
      .get('/debug_token')
      .query({ input_token: 'EAAgarbage', access_token: `${SANDBOX_IDS.appId}|${TEST_SECRET}` })
      .expect(200);
    expect((res.body as DebugBody).data).toMatchObject({
      is_valid: false,
      error: { code: 190, subcode: 463 },
    });
  });

  it('DELETE /me/permissions revokes the token', async () => {
    const code = await authorize(sandbox);
    const { access_token: token } = (await exchange(sandbox, code).expect(200)).body as TokenBody;
    await request(sandbox.app).get('/v23.0/me').query({ access_token: token }).expect(200);
    const del = await request(sandbox.app)
      .delete('/v23.0/me/permissions')
      .query({ access_token: token })
      .expect(200);
    expect(del.body).toEqual({ success: true });
    const after = await request(sandbox.app).get('/v23.0/me').query({ access_token: token }).expect(400);
    expect(after.body.error.code).toBe(190);
  });

  it('GET /_sandbox/tokens lists the code of a completed consent (used) and the token it was exchanged for', async () => {
    const code = await authorize(sandbox);
    const { access_token: token } = (await exchange(sandbox, code).expect(200)).body as TokenBody;
    const listed = await request(sandbox.app).get('/_sandbox/tokens').expect(200);
    expect(listed.body.codes).toEqual([{ code, used: true }]);
    expect((listed.body.tokens as { token: string }[]).map((t) => t.token)).toContain(token);
  });
});
