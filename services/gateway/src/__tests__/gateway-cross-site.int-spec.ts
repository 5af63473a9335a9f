import { createHmac, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from 'pg';
import type { LeadView, Page } from '@crm/contracts';
import type { ServiceHandle } from '@crm/testing';
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

/**
 * The attack that motivated the check: a page on another site posts a login form to the gateway (login CSRF) and
 * the victim's browser ends up signed into the attacker's tenant. Every state-changing route now takes only JSON
 * from this site's origin.
 */
describe('gateway: cross-site requests are refused (real crm-service)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenant: SeededTenant;

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenant = await seedTenant(db, 'Cross-site');
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  // Logins are limited to 5 a minute per email: each test signs in its own user.
  const credentials = (role: keyof SeededTenant['users'] = 'ceo') => ({
    email: tenant.users[role].email,
    password: TEST_PASSWORD,
  });
  const login = () => request(gateway.server).post('/crm/auth/login');

  async function sessionCookie(role: keyof SeededTenant['users']): Promise<string> {
    const response = await login()
      .set('Origin', gateway.config.PUBLIC_URL)
      .set('Sec-Fetch-Site', 'same-origin')
      .send(credentials(role))
      .expect(200);
    return cookieFrom(response.headers['set-cookie'], 'crm_session')!.split(';')[0];
  }

  async function leadCount(): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM crm.leads WHERE tenant_id = $1',
      [tenant.tenantId],
    );
    return rows[0].n;
  }

  describe('login', () => {
    it('answers 415 to a form-encoded login (the cross-site form) and sets no cookie', async () => {
      for (const path of ['/crm/auth/login', '/CRM/Auth/Login']) {
        const response = await request(gateway.server)
          .post(path)
          .type('form')
          .send(credentials())
          .expect(415);
        expect(response.body).toEqual({
          statusCode: 415,
          code: 'VALIDATION',
          message: 'Content-Type "application/x-www-form-urlencoded" is not accepted: send application/json',
        });
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it('answers 415 to JSON sent as text/plain (a form can send that too) and to multipart', async () => {
      for (const type of ['text/plain', 'multipart/form-data; boundary=x']) {
        const response = await login()
          .set('Content-Type', type)
          .send(JSON.stringify(credentials()))
          .expect(415);
        expect(response.body.statusCode).toBe(415);
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it('answers 403 FORBIDDEN to a JSON login from another origin, and sets no cookie', async () => {
      for (const origin of ['https://evil.example', 'null', 'http://localhost:1']) {
        const response = await login().set('Origin', origin).send(credentials()).expect(403);
        expect(response.body).toEqual({
          statusCode: 403,
          code: 'FORBIDDEN',
          message: `cross-site request refused: Origin ${JSON.stringify(origin)} is not this site (${gateway.config.PUBLIC_URL})`,
        });
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it('answers 403 to Sec-Fetch-Site cross-site or same-site, and sets no cookie', async () => {
      for (const site of ['cross-site', 'same-site']) {
        const response = await login().set('Sec-Fetch-Site', site).send(credentials()).expect(403);
        expect(response.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
        expect(response.body.message).toContain('cross-site request refused');
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it('signs in a same-origin browser, and a JSON client without browser headers', async () => {
      const browser = await login()
        .set('Origin', gateway.config.PUBLIC_URL)
        .set('Sec-Fetch-Site', 'same-origin')
        .send(credentials())
        .expect(200);
      expect(cookieFrom(browser.headers['set-cookie'], 'crm_session')).toMatch(/HttpOnly/);
      const client = await login().send(credentials()).expect(200);
      expect(cookieFrom(client.headers['set-cookie'], 'crm_session')).toBeDefined();
    });
  });

  describe('with a session', () => {
    it('refuses a cross-site mutation although the browser sends the session cookie, and changes nothing', async () => {
      const cookie = await sessionCookie('closer');
      const before = await leadCount();
      const lead = { name: 'Forjado', phone: '+5215512345678', leadSource: 'MANUAL' };
      await request(gateway.server)
        .post('/crm/leads')
        .set('Cookie', cookie)
        .set('Origin', 'https://evil.example')
        .set('Sec-Fetch-Site', 'cross-site')
        .send(lead)
        .expect(403);
      await request(gateway.server)
        .post('/crm/leads')
        .set('Cookie', cookie)
        .type('form')
        .send(lead)
        .expect(415);
      expect(await leadCount()).toBe(before);

      const created = await request(gateway.server)
        .post('/crm/leads')
        .set('Cookie', cookie)
        .set('Origin', gateway.config.PUBLIC_URL)
        .set('Sec-Fetch-Site', 'same-origin')
        .send(lead)
        .expect(201);
      expect((created.body as LeadView).name).toBe('Forjado');
      expect(await leadCount()).toBe(before + 1);
    });

    it('refuses before the session guard: 403 (not 401) without a cookie', async () => {
      const response = await request(gateway.server)
        .patch('/crm/marketing/automation/rules/lead_followup')
        .set('Origin', 'https://evil.example')
        .send({ enabled: true })
        .expect(403);
      expect(response.body.code).toBe('FORBIDDEN');
    });

    it('lets a bodiless logout through from the same origin only (no Content-Type needed)', async () => {
      const cookie = await sessionCookie('setter');
      const bare = await request(gateway.server).post('/crm/auth/logout').set('Cookie', cookie).expect(403);
      expect(bare.body.message).toBe(
        'a request without Origin or Sec-Fetch-Site must send Content-Type: application/json',
      );
      await request(gateway.server)
        .post('/crm/auth/logout')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'cross-site')
        .expect(403);
      const logout = await request(gateway.server)
        .post('/crm/auth/logout')
        .set('Cookie', cookie)
        .set('Origin', gateway.config.PUBLIC_URL)
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(204);
      expect(cookieFrom(logout.headers['set-cookie'], 'crm_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    });

    it('refuses every POST, PUT, PATCH and DELETE of the API from another site, with the session cookie, before it runs', async () => {
      const cookie = await sessionCookie('ceo');
      const before = await leadCount();
      const document = (await request(gateway.server).get('/api/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const unsafe = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
          .map((method) => ({ method: method as 'post' | 'put' | 'patch' | 'delete', path })),
      );
      expect(new Set(unsafe.map((route) => route.method))).toEqual(
        new Set(['post', 'put', 'patch', 'delete']),
      );
      expect(unsafe.length).toBeGreaterThanOrEqual(30);
      const refusals: string[] = [];
      for (const { method, path } of unsafe) {
        const url = path.replace(/\{[^}]+\}/g, randomUUID());
        const call = () => request(gateway.server)[method](url).set('Cookie', cookie);
        const foreign = await call().set('Origin', 'https://evil.example').send({});
        const crossSite = await call().set('Sec-Fetch-Site', 'cross-site').send({});
        const form = await call()
          .set('Origin', gateway.config.PUBLIC_URL)
          .set('Sec-Fetch-Site', 'same-origin')
          .type('form')
          .send('a=1');
        refusals.push(`${method.toUpperCase()} ${path} ${foreign.status} ${crossSite.status} ${form.status}`);
      }
      expect(refusals).toEqual(
        unsafe.map(({ method, path }) => `${method.toUpperCase()} ${path} 403 403 415`),
      );
      // Nothing ran: no lead was added and the refused logouts left the session live.
      expect(await leadCount()).toBe(before);
      await request(gateway.server).get('/crm/auth/me').set('Cookie', cookie).expect(200);
    });

    it('does not touch GET routes, whatever their origin', async () => {
      const cookie = await sessionCookie('professional');
      const response = await request(gateway.server)
        .get('/crm/leads')
        .set('Cookie', cookie)
        .set('Origin', 'https://evil.example')
        .set('Sec-Fetch-Site', 'cross-site')
        .expect(200);
      expect((response.body as Page<LeadView>).items).toBeInstanceOf(Array);
    });
  });

  it('sends a page opened as localhost to PUBLIC_URL (127.0.0.1), so its Origin will match', async () => {
    const port = new URL(gateway.baseUrl).port;
    const page = await request(gateway.server)
      .get('/login?next=%2Fmarketing')
      .set('Host', `localhost:${port}`)
      .set('Sec-Fetch-Mode', 'navigate')
      .expect(302);
    expect(page.headers.location).toBe(`${gateway.config.PUBLIC_URL}/login?next=%2Fmarketing`);
    await request(gateway.server).get('/health').set('Host', `localhost:${port}`).expect(200);
  });

  it('leaves Meta webhooks to their signature check', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const signature = createHmac('sha256', 'not-the-app-secret').update(body).digest('hex');
    const response = await request(gateway.server)
      .post('/webhooks/meta')
      .set('Content-Type', 'application/json')
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Origin', 'https://www.facebook.com')
      .set('X-Hub-Signature-256', `sha256=${signature}`)
      .send(body)
      .expect(401);
    expect(response.body.code).toBe('UNAUTHORIZED');
  });
});
