import request from 'supertest';
import type { Client } from 'pg';
import type { ServiceHandle } from '@crm/testing';
import type { LeadView, Page, PipelineStageView, SessionUser } from '@crm/contracts';
import { LOGIN_LIMITS } from '../auth/login-limiter';

const LOGIN_ATTEMPTS_PER_EMAIL = LOGIN_LIMITS.find((l) => l.name === 'account')!.limit;
import {
  TEST_PASSWORD,
  connectDatabase,
  cookieFrom,
  seedLead,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

describe('gateway: sessions, roles and tenancy (real crm-service)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;
  let leadA: string;
  let leadB: string;

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenantA = await seedTenant(db, 'Inmobiliaria A');
    tenantB = await seedTenant(db, 'Inmobiliaria B');
    leadA = await seedLead(db, tenantA.tenantId, 'Lead solo de A');
    leadB = await seedLead(db, tenantB.tenantId, 'Lead solo de B');
    // A closer sees only the leads assigned to them.
    await db.query(`UPDATE crm.leads SET assigned_user_id = $2 WHERE id = $1`, [
      leadA,
      tenantA.users.closer.id,
    ]);
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  async function loginAs(tenant: SeededTenant, role: keyof SeededTenant['users']) {
    const agent = request.agent(gateway.server);
    await agent
      .post('/crm/auth/login')
      .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

  describe('login', () => {
    it('answers the SessionUser and sets an httpOnly SameSite=Lax session cookie', async () => {
      const response = await request(gateway.server)
        .post('/crm/auth/login')
        .send({ email: tenantA.users.ceo.email.toUpperCase(), password: TEST_PASSWORD })
        .expect(200);
      const body = response.body as SessionUser;
      expect(body).toEqual({
        userId: tenantA.users.ceo.id,
        tenantId: tenantA.tenantId,
        tenantName: 'Inmobiliaria A',
        tenantLocale: 'es-MX',
        tenantTimezone: 'America/Mexico_City',
        tenantCurrency: 'MXN',
        email: tenantA.users.ceo.email,
        name: expect.any(String),
        role: 'ceo',
      });
      const cookie = cookieFrom(response.headers['set-cookie'], 'crm_session');
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).toMatch(/Max-Age=43200/);
      expect(cookie).not.toMatch(/Secure/); // COOKIE_SECURE=false in this test
    });

    it('answers 401 to a wrong password and sets no cookie', async () => {
      const response = await request(gateway.server)
        .post('/crm/auth/login')
        .send({ email: tenantA.users.setter.email, password: 'not-the-password' })
        .expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: 'invalid email or password',
      });
      expect(cookieFrom(response.headers['set-cookie'], 'crm_session')).toBeUndefined();
    });

    it('rejects a malformed body with 400 VALIDATION, never 500', async () => {
      const response = await request(gateway.server)
        .post('/crm/auth/login')
        .send({ email: 'not-an-email', password: '' })
        .expect(400);
      expect(response.body.code).toBe('VALIDATION');
      await request(gateway.server)
        .post('/crm/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email":')
        .expect(400);
    });

    it(`throttles after ${LOGIN_ATTEMPTS_PER_EMAIL} attempts for one email (429 with Retry-After, even with the right password)`, async () => {
      const email = tenantB.users.closer.email;
      for (let i = 0; i < LOGIN_ATTEMPTS_PER_EMAIL; i++) {
        await request(gateway.server)
          .post('/crm/auth/login')
          .send({ email, password: `wrong-${i}` })
          .expect(401);
      }
      const throttled = await request(gateway.server)
        .post('/crm/auth/login')
        .send({ email, password: TEST_PASSWORD })
        .expect(429);
      expect(throttled.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
      expect(throttled.body.details.retryAfterSeconds).toBeGreaterThan(0);
      expect(Number(throttled.headers['retry-after'])).toBe(throttled.body.details.retryAfterSeconds);
      expect(cookieFrom(throttled.headers['set-cookie'], 'crm_session')).toBeUndefined();
      // Another email from the same IP is not affected.
      await request(gateway.server)
        .post('/crm/auth/login')
        .send({ email: tenantB.users.ceo.email, password: TEST_PASSWORD })
        .expect(200);
    });
  });

  describe('session', () => {
    it('answers 401 without a cookie or with a forged one', async () => {
      for (const path of [
        '/crm/auth/me',
        '/crm/leads',
        '/CRM/Leads',
        '/crm/pipeline',
        '/crm/marketing/token-status',
      ]) {
        const response = await request(gateway.server).get(path).expect(401);
        expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      }
      await request(gateway.server)
        .get('/crm/auth/me')
        .set('Cookie', 'crm_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')
        .expect(401);
    });

    it('GET /crm/auth/me returns the user; logout clears the cookie', async () => {
      const agent = await loginAs(tenantA, 'closer');
      const me = await agent.get('/crm/auth/me').expect(200);
      expect(me.body).toMatchObject({
        userId: tenantA.users.closer.id,
        tenantId: tenantA.tenantId,
        role: 'closer',
      });
      expect(me.headers['cache-control']).toBe('no-store');
      const logout = await agent
        .post('/crm/auth/logout')
        .set('Origin', gateway.config.PUBLIC_URL)
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(204);
      expect(cookieFrom(logout.headers['set-cookie'], 'crm_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
      await agent.get('/crm/auth/me').expect(401);
    });
  });

  describe('roles', () => {
    it('answers 403 to a setter on every marketing and automation route', async () => {
      const setter = await loginAs(tenantA, 'setter');
      const routes: Array<['get' | 'post' | 'patch' | 'delete', string]> = [
        ['get', '/crm/marketing/token-status'],
        ['get', '/crm/marketing/meta-portfolios'],
        ['get', '/crm/marketing/stats?preset=last_7d'],
        ['get', '/crm/marketing/stats/roi?preset=last_7d'],
        ['post', '/crm/marketing/connect'],
        ['get', '/crm/marketing/automation/rules'],
        ['patch', '/crm/marketing/automation/rules/lead_followup'],
        ['post', '/crm/marketing/automation/rules'],
        ['delete', '/crm/marketing/automation/rules/r_0123456789ab'],
        ['post', '/crm/marketing/automation/rules/lead_followup/preview'],
        ['get', '/crm/marketing/automation/templates'],
        ['get', '/crm/marketing/automation-logs'],
        ['post', '/crm/marketing/automation/trigger'],
        ['get', '/crm/auth/meta/url'],
        ['post', '/crm/auth/meta/disconnect'],
      ];
      for (const [method, path] of routes) {
        const response = await setter[method](path).send({});
        expect([path, response.status]).toEqual([path, 403]);
        expect(response.body).toEqual({
          statusCode: 403,
          code: 'FORBIDDEN',
          message: 'your role cannot use this module',
        });
      }
    });

    it('keeps automation for the ceo: a professional gets 403 there but passes the marketing role check', async () => {
      const professional = await loginAs(tenantA, 'professional');
      await professional.get('/crm/marketing/automation/rules').expect(403);
      await professional.get('/crm/marketing/automation-logs').expect(403);
      const marketing = await professional.get('/crm/auth/meta/url');
      expect(marketing.status).toBe(200);
    });
  });

  describe('tenancy', () => {
    it('reads only the session tenant, whatever tenantId the query or x-tenant-id header names', async () => {
      const agent = await loginAs(tenantA, 'closer');
      const response = await agent
        .get('/crm/leads')
        .query({ tenantId: tenantB.tenantId, pageSize: 100 })
        .set('x-tenant-id', tenantB.tenantId)
        .set('x-tenant', tenantB.tenantId)
        .expect(200);
      const page = response.body as Page<LeadView>;
      const ids = page.items.map((lead) => lead.id);
      expect(ids).toContain(leadA);
      expect(ids).not.toContain(leadB);
      await agent.get(`/crm/leads/${leadB}`).set('x-tenant-id', tenantB.tenantId).expect(404);
      const own = await agent.get(`/crm/leads/${leadA}`).expect(200);
      expect(own.body).toMatchObject({ id: leadA, name: 'Lead solo de A' });
    });

    it('rejects a tenantId in a body (400) and creates nothing in that tenant', async () => {
      const agent = await loginAs(tenantA, 'setter');
      const phone = '+5215599990001';
      const refused = await agent
        .post('/crm/leads')
        .set('x-tenant-id', tenantB.tenantId)
        .send({ name: 'Colado', phone, leadSource: 'MANUAL', tenantId: tenantB.tenantId })
        .expect(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION' });
      expect(refused.body.message).toContain('tenantId');

      const created = await agent
        .post('/crm/leads')
        .set('x-tenant-id', tenantB.tenantId)
        .send({ name: 'Legítimo', phone, leadSource: 'MANUAL' })
        .expect(201);
      const rows = await db.query<{ tenant_id: string }>(`SELECT tenant_id FROM crm.leads WHERE phone = $1`, [
        phone,
      ]);
      expect(rows.rows).toEqual([{ tenant_id: tenantA.tenantId }]);
      expect((created.body as LeadView).name).toBe('Legítimo');
    });

    it('validates bodies and path ids with 400 VALIDATION', async () => {
      const agent = await loginAs(tenantA, 'ceo');
      const bad = await agent
        .post('/crm/leads')
        .send({ name: 'X', phone: '5512', leadSource: 'TV' })
        .expect(400);
      expect(bad.body.code).toBe('VALIDATION');
      expect(bad.body.details.fields).toEqual(expect.arrayContaining(['phone', 'leadSource']));
      await agent.get('/crm/leads/not-a-uuid').expect(400);
      await agent.patch(`/crm/leads/${leadA}/status`).send({ status: 'ganado' }).expect(400);
      await agent.get('/crm/leads').query({ pageSize: 1000 }).expect(400);
      // A field of the contract the body leaves out (set by the server) is unknown here.
      const assigned = await agent
        .post('/crm/leads')
        .send({ name: 'X', phone: '+5215599990002', leadSource: 'MANUAL', assignedUserId: leadA })
        .expect(400);
      expect(assigned.body.message).toContain('assignedUserId');
      const rule = '/crm/marketing/automation/rules/lead_followup';
      const smuggled = await agent
        .patch(rule)
        .send({ enabled: true, tenantId: tenantB.tenantId })
        .expect(400);
      expect(smuggled.body.message).toContain('tenantId');
      const keyInBody = await agent.patch(rule).send({ key: 'lead_followup' }).expect(400);
      expect(keyInBody.body.message).toContain('key');
      const delayAsText = await agent.patch(rule).send({ delaySeconds: '3600' }).expect(400);
      expect(delayAsText.body.details.fields).toEqual(['delaySeconds']);
      // Rule routes: a key that cannot exist is 404; bodies are checked before automation-service is asked.
      await agent.patch('/crm/marketing/automation/rules/no_such_rule').send({}).expect(404);
      await agent
        .delete('/crm/marketing/automation/rules/R_ABC')
        .set('Origin', gateway.config.PUBLIC_URL)
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(404);
      const noTrigger = await agent.post('/crm/marketing/automation/rules').send({ name: 'X' }).expect(400);
      expect(noTrigger.body.details.fields).toEqual(['trigger']);
      const badTrigger = await agent
        .post('/crm/marketing/automation/rules')
        .send({ name: 'X', trigger: { type: 'lead.deleted' } })
        .expect(400);
      expect(badTrigger.body.message).toContain('trigger');
      const keyChosen = await agent
        .post('/crm/marketing/automation/rules')
        .send({ name: 'X', trigger: { type: 'lead.created' }, key: 'r_0123456789ab' })
        .expect(400);
      expect(keyChosen.body.message).toContain('key');
      const badMapping = await agent
        .patch(rule)
        .send({ mapping: { header: [], body: ['lead.password'], buttons: [] } })
        .expect(400);
      expect(badMapping.body.message).toContain('mapping');
      await agent
        .post('/crm/marketing/automation/rules/lead_followup/preview')
        .send({ leadId: 'not-a-uuid' })
        .expect(400);
    });

    it('moves a lead through the pipeline of the session tenant', async () => {
      const agent = await loginAs(tenantA, 'closer');
      const pipeline = (await agent.get('/crm/pipeline').expect(200)).body as PipelineStageView[];
      expect(pipeline.map((stage) => stage.key)).toEqual([
        'nuevo',
        'contactado',
        'calificado',
        'llamada_agendada',
        'negociacion',
        'cerrado_ganado',
        'cerrado_perdido',
      ]);
      const moved = await agent
        .patch(`/crm/leads/${leadA}/status`)
        .send({ status: 'contactado' })
        .expect(200);
      expect(moved.body).toMatchObject({ id: leadA, status: 'contactado' });
      await agent.patch(`/crm/leads/${leadB}/status`).send({ status: 'contactado' }).expect(404);
    });
  });
});
