import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from 'pg';
import type { ServiceHandle } from '@crm/testing';
import type { SellerOverview, SessionUser, TenantView, UserView } from '@crm/contracts';
import { LOGIN_LIMITS } from '../auth/login-limiter';

const LOGIN_ATTEMPTS_PER_EMAIL = LOGIN_LIMITS.find((l) => l.name === 'account')!.limit;
import { USER_ACCESS_TTL_MS } from '../auth/user-access';
import {
  ROLES,
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

const STRONG = 'ventas-2026-sol';
const MANAGERS = ['ceo', 'professional'] as const;
const SELLERS_ONLY = ['setter', 'closer'] as const;
const NOT_CEO = ['professional', 'setter', 'closer'] as const;

describe('gateway: sign-up, tenant settings, users and sellers (real crm-service)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenantA = await seedTenant(db, 'Inmobiliaria A');
    tenantB = await seedTenant(db, 'Inmobiliaria B');
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  const uniqueEmail = (name: string): string => `${name}-${randomUUID().slice(0, 8)}@gateway.test`;

  async function loginAs(tenant: SeededTenant, role: keyof SeededTenant['users'], server = gateway.server) {
    const agent = request.agent(server);
    await agent
      .post('/crm/auth/login')
      .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

  describe('POST /crm/auth/signup', () => {
    it('creates the company and its ceo and signs them in with the same cookie as login', async () => {
      const email = uniqueEmail('laura');
      const agent = request.agent(gateway.server);
      const response = await agent
        .post('/crm/auth/signup')
        .send({ companyName: 'Inmobiliaria Luna', name: 'Laura Méndez', email, password: STRONG })
        .expect(201);
      const user = response.body as SessionUser;
      expect(user).toMatchObject({
        tenantName: 'Inmobiliaria Luna',
        email,
        name: 'Laura Méndez',
        role: 'ceo',
      });
      const cookie = cookieFrom(response.headers['set-cookie'], 'crm_session');
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).toMatch(/Max-Age=43200/);

      expect((await agent.get('/crm/auth/me').expect(200)).body).toEqual(user);
      const tenant = (await agent.get('/crm/tenant').expect(200)).body as TenantView;
      expect(tenant).toEqual({
        id: user.tenantId,
        name: 'Inmobiliaria Luna',
        timezone: 'America/Mexico_City',
        currency: 'MXN',
        locale: 'es-MX',
        optOutKeywords: ['STOP', 'BAJA', 'CANCELAR'],
        optOutButtonTexts: ['Stop promotions', 'Detener promociones', 'Darme de baja'],
      });
      const stages = (await agent.get('/crm/pipeline').expect(200)).body as unknown[];
      expect(stages).toHaveLength(7);
    });

    it('answers 409 to an email already registered, in the error shape', async () => {
      const response = await request(gateway.server)
        .post('/crm/auth/signup')
        .send({
          companyName: 'Otra',
          name: 'Otra',
          email: tenantA.users.closer.email.toUpperCase(),
          password: STRONG,
        })
        .expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        code: 'CONFLICT',
        message: `an account with the email ${tenantA.users.closer.email} already exists; sign in instead`,
        details: { email: tenantA.users.closer.email },
      });
      expect(cookieFrom(response.headers['set-cookie'], 'crm_session')).toBeUndefined();
    });

    it('answers 400 with a clear message to weak passwords, bad settings and a smuggled tenantId', async () => {
      const localPart = (email: string): string => email.split('@')[0]!;
      // Each case with its own email: the login limiter counts attempts per email.
      const cases: [(email: string) => Record<string, unknown>, string | RegExp][] = [
        [() => ({ password: 'corta123' }), 'password must be 10 to 200 characters long'],
        [() => ({ password: 'sololetrasaqui' }), 'password must contain letters and digits'],
        [
          (email) => ({ password: `${localPart(email)}7` }),
          'password must not contain the part of the email before the @',
        ],
        [
          () => ({ password: STRONG, timezone: 'Mars/Olympus' }),
          'timezone must be an IANA timezone such as America/Mexico_City',
        ],
        [() => ({ password: STRONG, currency: 'XYZ' }), /^currency must be one of MXN, USD/],
        [() => ({ password: STRONG, locale: 'fr-FR' }), 'locale must be one of es-MX, en-US'],
        [
          () => ({ password: STRONG, tenantId: tenantA.tenantId }),
          'tenantId: property tenantId should not exist',
        ],
      ];
      for (const [extra, message] of cases) {
        const email = uniqueEmail('ventas');
        const response = await request(gateway.server)
          .post('/crm/auth/signup')
          .send({ companyName: 'Débil', name: 'Débil', email, ...extra(email) })
          .expect(400);
        expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION', message });
      }
    });

    it('follows the cross-site rules and needs JSON', async () => {
      const body = { companyName: 'X', name: 'X', email: uniqueEmail('cs'), password: STRONG };
      await request(gateway.server)
        .post('/crm/auth/signup')
        .set('Origin', 'https://evil.example')
        .send(body)
        .expect(403);
      await request(gateway.server)
        .post('/crm/auth/signup')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(body))
        .expect(415);
    });

    it(`is rate-limited like login: ${LOGIN_ATTEMPTS_PER_EMAIL} attempts per email`, async () => {
      const body = { companyName: 'Spam', name: 'Spam', email: uniqueEmail('spam'), password: 'corta' };
      for (let i = 0; i < LOGIN_ATTEMPTS_PER_EMAIL; i++) {
        await request(gateway.server).post('/crm/auth/signup').send(body).expect(400);
      }
      const throttled = await request(gateway.server).post('/crm/auth/signup').send(body).expect(429);
      expect(throttled.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    });
  });

  describe('GET/PATCH /crm/tenant', () => {
    it.each(ROLES)('shows the tenant settings to %s', async (role) => {
      const agent = await loginAs(tenantA, role);
      const tenant = (await agent.get('/crm/tenant').expect(200)).body as TenantView;
      expect(tenant).toMatchObject({ id: tenantA.tenantId, currency: 'MXN', locale: 'es-MX' });
    });

    it('lets the ceo change the settings and validates them', async () => {
      const tenant = await seedTenant(db, 'Ajustes');
      const ceo = await loginAs(tenant, 'ceo');
      const updated = await ceo
        .patch('/crm/tenant')
        .send({ timezone: 'America/Bogota', currency: 'COP', locale: 'en-US' })
        .expect(200);
      expect(updated.body).toEqual({
        id: tenant.tenantId,
        name: 'Ajustes',
        timezone: 'America/Bogota',
        currency: 'COP',
        locale: 'en-US',
        optOutKeywords: ['STOP', 'BAJA', 'CANCELAR'],
        optOutButtonTexts: ['Stop promotions', 'Detener promociones', 'Darme de baja'],
      });
      const keywords = await ceo
        .patch('/crm/tenant')
        .send({ optOutKeywords: ['BAJA', ' Alto '], optOutButtonTexts: [] })
        .expect(200);
      expect(keywords.body).toMatchObject({ optOutKeywords: ['BAJA', 'Alto'], optOutButtonTexts: [] });
      await ceo
        .patch('/crm/tenant')
        .send({ optOutKeywords: ['x'.repeat(41)] })
        .expect(400);
      await ceo.patch('/crm/tenant').send({ optOutKeywords: 'BAJA' }).expect(400);
      // The session the frontend reads at start carries the new formats at once.
      expect((await ceo.get('/crm/auth/me').expect(200)).body).toMatchObject({
        tenantName: 'Ajustes',
        tenantLocale: 'en-US',
        tenantTimezone: 'America/Bogota',
        tenantCurrency: 'COP',
      });
      const bad = await ceo.patch('/crm/tenant').send({ timezone: 'Nowhere/City' }).expect(400);
      expect(bad.body.message).toBe('timezone must be an IANA timezone such as America/Mexico_City');
      await ceo.patch('/crm/tenant').send({ currency: 'mxn' }).expect(400);
      await ceo.patch('/crm/tenant').send({ name: '   ' }).expect(400);
      await ceo.patch('/crm/tenant').send({ tenantId: tenantB.tenantId, name: 'B hackeado' }).expect(400);
      const b = await db.query(`SELECT name FROM crm.tenants WHERE id = $1`, [tenantB.tenantId]);
      expect(b.rows[0].name).toBe('Inmobiliaria B');
    });

    it.each(NOT_CEO)('answers 403 to %s changing the settings', async (role) => {
      const agent = await loginAs(tenantA, role);
      const response = await agent.patch('/crm/tenant').send({ name: 'Mío' }).expect(403);
      expect(response.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    });
  });

  describe('/crm/users', () => {
    it.each(MANAGERS)("lists the tenant's users to %s, without passwords", async (role) => {
      const agent = await loginAs(tenantA, role);
      const users = (await agent.get('/crm/users').expect(200)).body as UserView[];
      expect(users.map((u) => u.id).sort()).toEqual(
        Object.values(tenantA.users)
          .map((u) => u.id)
          .sort(),
      );
      expect(JSON.stringify(users)).not.toMatch(/password|hash/i);
    });

    it.each(SELLERS_ONLY)('answers 403 to %s listing users', async (role) => {
      await (await loginAs(tenantA, role)).get('/crm/users').expect(403);
    });

    it('lets the ceo add a user (201) who can sign in; 409 on a taken email', async () => {
      const ceo = await loginAs(tenantA, 'ceo');
      const email = uniqueEmail('nuevo');
      const created = await ceo
        .post('/crm/users')
        .send({ name: 'Nuevo Setter', email, role: 'setter', password: STRONG })
        .expect(201);
      expect(created.body).toMatchObject({ name: 'Nuevo Setter', email, role: 'setter', active: true });
      await request(gateway.server).post('/crm/auth/login').send({ email, password: STRONG }).expect(200);

      const duplicate = await ceo
        .post('/crm/users')
        .send({ name: 'Otro', email, role: 'closer', password: STRONG })
        .expect(409);
      expect(duplicate.body).toMatchObject({
        code: 'CONFLICT',
        message: `user ${(created.body as UserView).id} already has the email ${email}`,
      });
      await ceo
        .post('/crm/users')
        .send({ name: 'Rol', email: uniqueEmail('rol'), role: 'admin', password: STRONG })
        .expect(400);
    });

    it("keeps a user's phone in E.164 (add, change, remove); 400 with a message for a bad phone", async () => {
      const ceo = await loginAs(tenantA, 'ceo');
      const created = await ceo
        .post('/crm/users')
        .send({
          name: 'Vendedor Tijuana',
          email: uniqueEmail('tel'),
          role: 'closer',
          password: STRONG,
          phone: '+52 664 123 4567',
        })
        .expect(201);
      const user = created.body as UserView;
      expect(user.phone).toBe('+5216641234567');
      const path = `/crm/users/${user.id}`;
      expect((await ceo.patch(path).send({ phone: '+1 (212) 555-0123' }).expect(200)).body).toMatchObject({
        id: user.id,
        phone: '+12125550123',
      });

      const E164 = 'phone must be in E.164 format, e.g. +5215512345678';
      for (const phone of ['664 123 4567', 'llámame', '+12']) {
        const bad = await ceo.patch(path).send({ phone }).expect(400);
        expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION', message: E164 });
      }
      const badCreate = await ceo
        .post('/crm/users')
        .send({ name: 'X', email: uniqueEmail('x'), role: 'setter', password: STRONG, phone: '12' })
        .expect(400);
      expect(badCreate.body).toMatchObject({ code: 'VALIDATION', message: E164 });
      const notText = await ceo.patch(path).send({ phone: 5215512345678 }).expect(400);
      expect(notText.body).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/phone/) });
      const users = (await ceo.get('/crm/users').expect(200)).body as UserView[];
      expect(users.find((u) => u.id === user.id)?.phone).toBe('+12125550123');

      expect((await ceo.patch(path).send({ phone: null }).expect(200)).body.phone).toBeNull();
    });

    it("answers 403 to a setter changing another user's phone, or their own", async () => {
      const tenant = await seedTenant(db, 'Teléfonos ajenos');
      const ceo = await loginAs(tenant, 'ceo');
      await ceo.patch(`/crm/users/${tenant.users.closer.id}`).send({ phone: '+5215511112222' }).expect(200);
      const setter = await loginAs(tenant, 'setter');
      await setter
        .patch(`/crm/users/${tenant.users.closer.id}`)
        .send({ phone: '+5215599998888' })
        .expect(403);
      await setter
        .patch(`/crm/users/${tenant.users.setter.id}`)
        .send({ phone: '+5215599998888' })
        .expect(403);
      const users = (await ceo.get('/crm/users').expect(200)).body as UserView[];
      expect(users.find((u) => u.id === tenant.users.closer.id)?.phone).toBe('+5215511112222');
      expect(users.find((u) => u.id === tenant.users.setter.id)?.phone).toBeNull();
    });

    it.each(NOT_CEO)('answers 403 to %s adding or changing users', async (role) => {
      const agent = await loginAs(tenantA, role);
      await agent
        .post('/crm/users')
        .send({ name: 'X', email: uniqueEmail('x'), role: 'setter', password: STRONG })
        .expect(403);
      await agent.patch(`/crm/users/${tenantA.users.closer.id}`).send({ name: 'X' }).expect(403);
    });

    it('refuses the ceo deactivating or demoting themself (400), a user of another tenant (404), a bad id (400)', async () => {
      const ceo = await loginAs(tenantA, 'ceo');
      const self = `/crm/users/${tenantA.users.ceo.id}`;
      const off = await ceo.patch(self).send({ active: false }).expect(400);
      expect(off.body).toEqual({
        statusCode: 400,
        code: 'VALIDATION',
        message: 'you cannot deactivate your own account',
      });
      await ceo.patch(self).send({ role: 'setter' }).expect(400);
      await ceo.patch(`/crm/users/${tenantB.users.closer.id}`).send({ name: 'Intruso' }).expect(404);
      await ceo.patch('/crm/users/not-a-uuid').send({ name: 'X' }).expect(400);
      await ceo.patch(`/crm/users/${tenantA.users.closer.id}`).send({ active: 'no' }).expect(400);
    });

    it('ends a deactivated user: login 401 ACCOUNT_DISABLED, their session refused here at once', async () => {
      const tenant = await seedTenant(db, 'Bajas');
      const ceo = await loginAs(tenant, 'ceo');
      const closer = await loginAs(tenant, 'closer');
      await closer.get('/crm/leads').expect(200);

      await ceo.patch(`/crm/users/${tenant.users.closer.id}`).send({ active: false }).expect(200);
      const refused = await closer.get('/crm/leads').expect(401);
      expect(refused.body).toEqual({
        statusCode: 401,
        code: 'ACCOUNT_DISABLED',
        message: 'this account has been deactivated; ask your company admin',
      });
      expect(cookieFrom(refused.headers['set-cookie'], 'crm_session')).toMatch(/crm_session=;/);
      const login = await request(gateway.server)
        .post('/crm/auth/login')
        .send({ email: tenant.users.closer.email, password: TEST_PASSWORD })
        .expect(401);
      expect(login.body).toMatchObject({ code: 'ACCOUNT_DISABLED' });

      await ceo.patch(`/crm/users/${tenant.users.closer.id}`).send({ active: true }).expect(200);
      await loginAs(tenant, 'closer');
    });

    it('applies a demotion to the open session at once', async () => {
      const tenant = await seedTenant(db, 'Roles');
      const ceo = await loginAs(tenant, 'ceo');
      const professional = await loginAs(tenant, 'professional');
      await professional.get('/crm/users').expect(200);
      await ceo.patch(`/crm/users/${tenant.users.professional.id}`).send({ role: 'setter' }).expect(200);
      await professional.get('/crm/users').expect(403);
      await professional.get('/crm/leads').expect(200);
    });

    it(`refuses a deactivated user's session on another gateway replica within ${USER_ACCESS_TTL_MS} ms`, async () => {
      const other = await startTestGateway({ SESSION_SECRET: gateway.config.SESSION_SECRET });
      try {
        const tenant = await seedTenant(db, 'Réplicas');
        const ceo = await loginAs(tenant, 'ceo');
        const setter = await loginAs(tenant, 'setter');
        const cookie = cookieFrom(
          (
            await request(gateway.server)
              .post('/crm/auth/login')
              .send({ email: tenant.users.setter.email, password: TEST_PASSWORD })
          ).headers['set-cookie'],
          'crm_session',
        )!.split(';')[0]!;
        await request(other.server).get('/crm/leads').set('Cookie', cookie).expect(200); // cached as active
        await ceo.patch(`/crm/users/${tenant.users.setter.id}`).send({ active: false }).expect(200);
        await setter.get('/crm/leads').expect(401);
        const started = Date.now();
        let status = 200;
        while (status === 200 && Date.now() - started < USER_ACCESS_TTL_MS + 2_000) {
          status = (await request(other.server).get('/crm/leads').set('Cookie', cookie)).status;
          if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(status).toBe(401);
        expect(Date.now() - started).toBeLessThanOrEqual(USER_ACCESS_TTL_MS + 1_000);
      } finally {
        await other.close();
      }
    });
  });

  it('documents the new routes in OpenAPI from the contract classes', async () => {
    const spec = await request(gateway.server).get('/api/docs-json').expect(200);
    expect(Object.keys(spec.body.paths as Record<string, unknown>)).toEqual(
      expect.arrayContaining([
        '/crm/auth/signup',
        '/crm/tenant',
        '/crm/users',
        '/crm/users/{id}',
        '/crm/sellers',
      ]),
    );
    const schemas = spec.body.components.schemas;
    expect(schemas.SignupBody.required).toEqual(
      expect.arrayContaining(['companyName', 'name', 'email', 'password']),
    );
    expect(schemas.SignupBody.properties.currency.enum).toEqual(expect.arrayContaining(['MXN', 'USD']));
    expect(schemas.SignupBody.properties.password).toMatchObject({ minLength: 10, maxLength: 200 });
    expect(schemas.UpdateTenantBody.properties.locale.enum).toEqual(['es-MX', 'en-US']);
    expect(Object.keys(schemas.UpdateTenantBody.properties)).not.toContain('tenantId');
    expect(schemas.CreateUserBody.properties.role.enum).toEqual([...ROLES]);
    expect(Object.keys(schemas.UpdateUserBody.properties).sort()).toEqual([
      'active',
      'name',
      'password',
      'phone',
      'role',
    ]);
    expect(schemas.CreateUserBody.required ?? []).not.toContain('phone');
    expect(schemas.UpdateUserBody.required ?? []).toEqual([]);
  });

  describe('GET /crm/sellers', () => {
    it.each(MANAGERS)('shows %s the active sellers with their open leads', async (role) => {
      const tenant = await seedTenant(db, `Vendedores ${role}`);
      const lead = await seedLead(db, tenant.tenantId, 'Asignado');
      await db.query(`UPDATE crm.leads SET assigned_user_id = $2 WHERE id = $1`, [
        lead,
        tenant.users.setter.id,
      ]);
      await db.query(
        `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency) VALUES ($1, $2, 'Casa', 2500000, 'MXN')`,
        [tenant.tenantId, lead],
      );
      const agent = await loginAs(tenant, role);
      const sellers = (await agent.get('/crm/sellers').expect(200)).body as SellerOverview[];
      expect(sellers.map((s) => s.role).sort()).toEqual(['ceo', 'closer', 'setter']);
      expect(sellers.find((s) => s.userId === tenant.users.setter.id)).toMatchObject({
        openLeads: 1,
        openPipeline: [{ currency: 'MXN', amount: 2500000 }],
        wonRevenue: [],
      });
    });

    it.each(SELLERS_ONLY)('answers 403 to %s', async (role) => {
      await (await loginAs(tenantA, role)).get('/crm/sellers').expect(403);
    });

    it('answers 401 without a session', async () => {
      await request(gateway.server).get('/crm/sellers').expect(401);
    });
  });
});
