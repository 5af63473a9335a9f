import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Client } from 'pg';
import { META_REQUIRED_SCOPES, type ConnectionStatus } from '@crm/contracts';
// Tests only: the Meta sandbox is a tool, never a runtime dependency of the gateway.
import { createSandbox, SANDBOX_IDS, type ListeningSandbox } from '@crm/meta-sandbox';
import { freePort, startServiceProcess, type ServiceHandle } from '@crm/testing';
import {
  TEST_PASSWORD,
  connectDatabase,
  cookieFrom,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';
import { OAUTH_STATE_TTL_SECONDS, signOauthState } from '../meta-oauth/oauth-state';

const APP_SECRET = 'int-test-app-secret';

type Agent = ReturnType<typeof request.agent>;

describe('gateway: Meta OAuth (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let sandbox: ListeningSandbox;
  let crm: ServiceHandle;
  let metaAds: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;

  beforeAll(async () => {
    db = await connectDatabase();
    sandbox = await createSandbox({
      appSecret: APP_SECRET,
      webhookUrl: 'http://127.0.0.1:9/webhooks/meta',
    }).listen(0);
    const [crmHandle, metaHandle, gatewayHandle] = await Promise.all([
      startCrmService(),
      startServiceProcess('meta-ads-service', {
        HTTP_PORT: String(await freePort()),
        DATABASE_URL: process.env.DATABASE_URL!,
        NATS_URL: process.env.NATS_URL!,
        LOG_LEVEL: 'warn',
        META_GRAPH_URL: sandbox.url,
        META_GRAPH_VERSION: 'v23.0',
        META_APP_ID: SANDBOX_IDS.appId,
        META_APP_SECRET: APP_SECRET,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }),
      startTestGateway({
        META_GRAPH_URL: sandbox.url,
        META_OAUTH_DIALOG_URL: `${sandbox.url}/v23.0/dialog/oauth`,
        META_APP_ID: SANDBOX_IDS.appId,
        META_APP_SECRET: APP_SECRET,
        // `log` so the access log is on: the test checks it never carries the code or the state.
        LOG_LEVEL: 'log',
      }),
    ]);
    crm = crmHandle;
    metaAds = metaHandle;
    gateway = gatewayHandle;
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([crm?.stop(), metaAds?.stop()]);
    await sandbox?.close();
    await db?.end();
  });

  async function loginAs(tenant: SeededTenant, role: keyof SeededTenant['users']): Promise<Agent> {
    const agent = request.agent(gateway.server);
    await agent
      .post('/crm/auth/login')
      .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

  /** The consent URL and the `crm_oauth=<binding>` cookie that came with it (also kept in the agent's jar). */
  async function consent(agent: Agent): Promise<{ url: URL; binding: string; setCookie: string }> {
    const response = await agent.get('/crm/auth/meta/url').expect(200);
    const setCookie = cookieFrom(response.headers['set-cookie'], 'crm_oauth');
    if (!setCookie) throw new Error('no crm_oauth cookie on the consent URL response');
    return {
      url: new URL((response.body as { url: string }).url),
      binding: setCookie.split(';')[0],
      setCookie,
    };
  }

  async function consentUrl(agent: Agent): Promise<URL> {
    return (await consent(agent)).url;
  }

  /** Open the sandbox consent dialog like a browser and click Continue or Cancel; returns Meta's redirect. */
  async function decide(dialog: URL, choice: 'continue' | 'cancel'): Promise<URL> {
    const page = await fetch(dialog);
    expect(page.status).toBe(200);
    const html = await page.text();
    const match = new RegExp(`id="sandbox-consent-${choice}" href="([^"]+)"`).exec(html);
    if (!match) throw new Error(`no ${choice} link on the consent page`);
    const decision = await fetch(new URL(match[1].replace(/&amp;/g, '&'), sandbox.url), {
      redirect: 'manual',
    });
    expect(decision.status).toBe(302);
    return new URL(decision.headers.get('location')!);
  }

  /**
   * Follow Meta's redirect back to the gateway (path + query only) with the agent's cookies: its session and, when
   * it still has one, its `crm_oauth` binding. `binding` sends that cookie explicitly (once the jar has lost it).
   */
  async function callbackResponse(agent: Agent, redirect: URL, binding?: string) {
    expect(`${redirect.origin}${redirect.pathname}`).toBe(
      `${gateway.config.PUBLIC_URL}/crm/auth/meta/callback`,
    );
    const call = agent.get(`${redirect.pathname}${redirect.search}`);
    if (binding) call.set('Cookie', binding);
    const response = await call.expect(302);
    // Whatever the outcome, the binding is single-use.
    expect(cookieFrom(response.headers['set-cookie'], 'crm_oauth')).toMatch(
      /^crm_oauth=; Path=\/crm\/auth\/meta\/callback; Expires=Thu, 01 Jan 1970/,
    );
    return response;
  }

  async function callback(agent: Agent, redirect: URL, binding?: string): Promise<string> {
    return (await callbackResponse(agent, redirect, binding)).headers.location as string;
  }

  it('builds the consent URL: client_id, redirect_uri, response_type=code, scopes and a signed state', async () => {
    const tenant = await seedTenant(db, 'OAuth URL');
    const url = await consentUrl(await loginAs(tenant, 'professional'));
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/v23.0/dialog/oauth`);
    expect(url.searchParams.get('client_id')).toBe(SANDBOX_IDS.appId);
    expect(url.searchParams.get('redirect_uri')).toBe(`${gateway.config.PUBLIC_URL}/crm/auth/meta/callback`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')).toBe(META_REQUIRED_SCOPES.join(','));
    expect(url.searchParams.get('scope')).toContain('pages_show_list');
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('connects through the dialog once; replaying the same state is refused', async () => {
    const tenant = await seedTenant(db, 'OAuth connect');
    const ceo = await loginAs(tenant, 'ceo');
    const before = (await ceo.get('/crm/marketing/token-status').expect(200)).body as ConnectionStatus;
    expect(before.state).toBe('disconnected');

    const logs: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logs.push(String(chunk));
        return true;
      }),
    );
    let redirect: URL;
    let location: string;
    let binding: string;
    try {
      const started = await consent(ceo);
      binding = started.binding;
      redirect = await decide(started.url, 'continue');
      expect(redirect.searchParams.get('code')).toBeTruthy();
      location = await callback(ceo, redirect);
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    expect(location).toBe('/marketing?meta=connected');
    const code = redirect.searchParams.get('code')!;
    expect(logs.join('')).toContain('GET /crm/auth/meta/callback 302');
    expect(logs.join('')).not.toContain(code);
    expect(logs.join('')).not.toContain(redirect.searchParams.get('state')!);

    const after = (await ceo.get('/crm/marketing/token-status').expect(200)).body as ConnectionStatus;
    expect(after.state).toBe('connected');
    expect(after.missingScopes).toEqual([]);
    expect(JSON.stringify(after)).not.toMatch(/EAA/);

    // Replayed from the same browser with its binding cookie: the nonce is spent.
    expect(await callback(ceo, redirect, binding)).toBe('/marketing?meta_error=invalid_state');

    const disconnected = await ceo
      .post('/crm/auth/meta/disconnect')
      .set('Origin', gateway.config.PUBLIC_URL)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    expect((disconnected.body as ConnectionStatus).state).toBe('disconnected');
  });

  it('sends a cancelled consent back with meta_error=access_denied and stays disconnected', async () => {
    const tenant = await seedTenant(db, 'OAuth cancel');
    const ceo = await loginAs(tenant, 'ceo');
    const redirect = await decide(await consentUrl(ceo), 'cancel');
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(await callback(ceo, redirect)).toBe('/marketing?meta_error=access_denied');
    const status = (await ceo.get('/crm/marketing/token-status').expect(200)).body as ConnectionStatus;
    expect(status.state).toBe('disconnected');
  });

  it('refuses a state issued to another user, a tampered state and a missing one', async () => {
    const tenant = await seedTenant(db, 'OAuth other user');
    const ceo = await loginAs(tenant, 'ceo');
    const professional = await loginAs(tenant, 'professional');
    const { url, binding } = await consent(ceo);
    const redirect = await decide(url, 'continue');
    // Another user of the same tenant cannot finish the ceo's flow, even holding the ceo's binding…
    expect(await callback(professional, redirect, binding)).toBe('/marketing?meta_error=invalid_state');
    // …nor can anyone alter the state.
    const tampered = new URL(redirect);
    tampered.searchParams.set('state', `${redirect.searchParams.get('state')!.slice(0, -2)}AA`);
    expect(await callback(ceo, tampered, binding)).toBe('/marketing?meta_error=invalid_state');
    const missing = new URL(redirect);
    missing.searchParams.delete('state');
    expect(await callback(ceo, missing, binding)).toBe('/marketing?meta_error=invalid_state');
    // The untouched state still works for its own user and browser (the failed attempts did not consume it).
    expect(await callback(ceo, redirect, binding)).toBe('/marketing?meta=connected');
  });

  it('refuses an expired state, a forged one and one finished by another tenant, each naming the reason', async () => {
    const tenant = await seedTenant(db, 'OAuth expired');
    const outsider = await loginAs(await seedTenant(db, 'OAuth outsider'), 'ceo');
    const ceo = await loginAs(tenant, 'ceo');
    const { url, binding } = await consent(ceo);
    const redirect = await decide(url, 'continue');
    const session = { tenantId: tenant.tenantId, userId: tenant.users.ceo.id };
    const withState = (state: string) => {
      const changed = new URL(redirect);
      changed.searchParams.set('state', state);
      return changed;
    };
    // Right user, right browser binding, right secret, but issued just over ten minutes ago.
    const stale = signOauthState(
      gateway.config.OAUTH_STATE_SECRET,
      session,
      new Date(Date.now() - (OAUTH_STATE_TTL_SECONDS + 1) * 1000),
    );
    // Right claims and a fresh expiry, signed by someone who does not hold OAUTH_STATE_SECRET.
    const forged = signOauthState(randomBytes(32).toString('base64url'), session);

    const logs: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logs.push(String(chunk));
        return true;
      }),
    );
    try {
      expect(await callback(ceo, withState(stale.state), `crm_oauth=${stale.binding}`)).toBe(
        '/marketing?meta_error=invalid_state',
      );
      expect(await callback(ceo, withState(forged.state), `crm_oauth=${forged.binding}`)).toBe(
        '/marketing?meta_error=invalid_state',
      );
      // A user of another tenant, holding the ceo's binding cookie, cannot finish the ceo's flow.
      expect(await callback(outsider, redirect, binding)).toBe('/marketing?meta_error=invalid_state');
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    const refusals = logs.join('');
    expect(refusals).toContain('state expired');
    expect(refusals).toContain('state bad_signature');
    expect(refusals).toContain('state wrong_session');
    for (const tenantOf of [ceo, outsider]) {
      const status = (await tenantOf.get('/crm/marketing/token-status').expect(200)).body as ConnectionStatus;
      expect(status.state).toBe('disconnected');
    }
    // None of the refusals consumed the real state: its own browser still finishes the flow.
    expect(await callback(ceo, redirect, binding)).toBe('/marketing?meta=connected');
  });

  it('reports exchange_failed when Meta refuses the code, after consuming the state', async () => {
    const tenant = await seedTenant(db, 'OAuth bad code');
    const ceo = await loginAs(tenant, 'ceo');
    const { url, binding } = await consent(ceo);
    const redirect = await decide(url, 'continue');
    const forged = new URL(redirect);
    forged.searchParams.set('code', 'AQnot-a-real-code');
    expect(await callback(ceo, forged)).toBe('/marketing?meta_error=exchange_failed');
    expect(await callback(ceo, redirect, binding)).toBe('/marketing?meta_error=invalid_state');
    const status = (await ceo.get('/crm/marketing/token-status').expect(200)).body as ConnectionStatus;
    expect(status.state).toBe('disconnected');
  });

  it('binds the state to the browser with a 10-minute httpOnly crm_oauth cookie sent only to the callback', async () => {
    const tenant = await seedTenant(db, 'OAuth cookie');
    const { url, binding, setCookie } = await consent(await loginAs(tenant, 'professional'));
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Lax/i);
    expect(setCookie).toMatch(/; Path=\/crm\/auth\/meta\/callback;/);
    expect(setCookie).toMatch(/; Max-Age=600;/);
    expect(setCookie).not.toMatch(/Secure/); // COOKIE_SECURE=false in this test
    const value = binding.slice('crm_oauth='.length);
    expect(Buffer.from(value, 'base64url')).toHaveLength(32);
    // The state that travels through Meta carries a hash of the binding, never the binding itself.
    const state = url.searchParams.get('state')!;
    expect(Buffer.from(state.split('.')[0], 'base64url').toString('utf8')).not.toContain(value);
    expect(state).not.toContain(value);
  });

  it('refuses a valid state from a browser without its crm_oauth cookie or with another one (login CSRF)', async () => {
    const tenant = await seedTenant(db, 'OAuth binding');
    // The attacker starts a consent in their own browser…
    const attacker = await loginAs(tenant, 'ceo');
    const redirect = await decide(await consentUrl(attacker), 'continue');
    // …and gets a victim's browser, signed into the attacker's account, to finish it: no binding cookie there…
    const victim = await loginAs(tenant, 'ceo');
    expect(await callback(victim, redirect)).toBe('/marketing?meta_error=invalid_state');
    // …or the binding of a consent the victim started: not the one the state commits to.
    await consent(victim);
    expect(await callback(victim, redirect)).toBe('/marketing?meta_error=invalid_state');
    expect(await callback(victim, redirect, 'crm_oauth=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(
      '/marketing?meta_error=invalid_state',
    );
    const before = (await victim.get('/crm/marketing/token-status').expect(200)).body as ConnectionStatus;
    expect(before.state).toBe('disconnected');
    // The refusals did not consume the state: the browser that started it still can finish it.
    expect(await callback(attacker, redirect)).toBe('/marketing?meta=connected');
  });

  it('requires the session on the callback', async () => {
    const tenant = await seedTenant(db, 'OAuth no session');
    const redirect = await decide(await consentUrl(await loginAs(tenant, 'ceo')), 'continue');
    await request(gateway.server).get(`${redirect.pathname}${redirect.search}`).expect(401);
  });
});
