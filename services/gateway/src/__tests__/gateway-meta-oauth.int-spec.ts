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
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

jest.setTimeout(90_000);

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

  async function consentUrl(agent: Agent): Promise<URL> {
    const response = await agent.get('/crm/auth/meta/url').expect(200);
    return new URL((response.body as { url: string }).url);
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

  /** Follow Meta's redirect back to the gateway (path + query only, with the agent's session cookie). */
  async function callback(agent: Agent, redirect: URL): Promise<string> {
    expect(`${redirect.origin}${redirect.pathname}`).toBe(
      `${gateway.config.PUBLIC_URL}/crm/auth/meta/callback`,
    );
    const response = await agent.get(`${redirect.pathname}${redirect.search}`).expect(302);
    return response.headers.location as string;
  }

  it('builds the consent URL: client_id, redirect_uri, response_type=code, scopes and a signed state', async () => {
    const tenant = await seedTenant(db, 'OAuth URL');
    const url = await consentUrl(await loginAs(tenant, 'professional'));
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/v23.0/dialog/oauth`);
    expect(url.searchParams.get('client_id')).toBe(SANDBOX_IDS.appId);
    expect(url.searchParams.get('redirect_uri')).toBe(`${gateway.config.PUBLIC_URL}/crm/auth/meta/callback`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')).toBe(META_REQUIRED_SCOPES.join(','));
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
    try {
      redirect = await decide(await consentUrl(ceo), 'continue');
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

    expect(await callback(ceo, redirect)).toBe('/marketing?meta_error=invalid_state');

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
    const redirect = await decide(await consentUrl(ceo), 'continue');
    // Another user of the same tenant cannot finish the ceo's flow…
    expect(await callback(professional, redirect)).toBe('/marketing?meta_error=invalid_state');
    // …nor can anyone alter the state.
    const tampered = new URL(redirect);
    tampered.searchParams.set('state', `${redirect.searchParams.get('state')!.slice(0, -2)}AA`);
    expect(await callback(ceo, tampered)).toBe('/marketing?meta_error=invalid_state');
    const missing = new URL(redirect);
    missing.searchParams.delete('state');
    expect(await callback(ceo, missing)).toBe('/marketing?meta_error=invalid_state');
    // The untouched state still works for its own user (the failed attempts did not consume it).
    expect(await callback(ceo, redirect)).toBe('/marketing?meta=connected');
  });

  it('reports exchange_failed when Meta refuses the code, after consuming the state', async () => {
    const tenant = await seedTenant(db, 'OAuth bad code');
    const ceo = await loginAs(tenant, 'ceo');
    const redirect = await decide(await consentUrl(ceo), 'continue');
    const forged = new URL(redirect);
    forged.searchParams.set('code', 'AQnot-a-real-code');
    expect(await callback(ceo, forged)).toBe('/marketing?meta_error=exchange_failed');
    expect(await callback(ceo, redirect)).toBe('/marketing?meta_error=invalid_state');
    const status = (await ceo.get('/crm/marketing/token-status').expect(200)).body as ConnectionStatus;
    expect(status.state).toBe('disconnected');
  });

  it('requires the session on the callback', async () => {
    const tenant = await seedTenant(db, 'OAuth no session');
    const redirect = await decide(await consentUrl(await loginAs(tenant, 'ceo')), 'continue');
    await request(gateway.server).get(`${redirect.pathname}${redirect.search}`).expect(401);
  });
});
