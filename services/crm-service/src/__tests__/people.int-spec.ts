import { randomUUID } from 'node:crypto';
import { LEAD_STATUSES, Rpc, type LeadStatus } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { createUser } from '../tenancy/provisioning';
import {
  TEST_PASSWORD,
  createTestTenant,
  randomPhone,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

const STRONG = 'ventas-2026-sol';

describe('crm-service: sign-up, tenant settings, users and the sellers overview', () => {
  let crm: CrmTestApp;
  let tenantA: TestTenant;
  let tenantB: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenantA = await createTestTenant(crm.db, 'Inmobiliaria A');
    tenantB = await createTestTenant(crm.db, 'Inmobiliaria B');
  });

  afterAll(async () => {
    await crm.close();
  });

  const uniqueEmail = (name: string): string => `${name}-${randomUUID().slice(0, 8)}@people.test`;

  describe('sign-up', () => {
    it('creates the tenant with default settings and pipeline, and its ceo, who can then sign in', async () => {
      const email = uniqueEmail('Laura');
      const user = await crm.rpc.call(Rpc.crm.signup, {
        companyName: ' Inmobiliaria Luna ',
        name: 'Laura Méndez',
        email,
        password: STRONG,
      });
      expect(user).toEqual({
        userId: expect.any(String),
        tenantId: expect.any(String),
        tenantName: 'Inmobiliaria Luna',
        email: email.toLowerCase(),
        name: 'Laura Méndez',
        role: 'ceo',
        tenantLocale: 'es-MX',
        tenantTimezone: 'America/Mexico_City',
        tenantCurrency: 'MXN',
      });
      expect(await crm.rpc.call(Rpc.crm.getTenant, { tenantId: user.tenantId })).toEqual({
        id: user.tenantId,
        name: 'Inmobiliaria Luna',
        timezone: 'America/Mexico_City',
        currency: 'MXN',
        locale: 'es-MX',
        optOutKeywords: ['STOP', 'BAJA', 'CANCELAR'],
        optOutButtonTexts: ['Stop promotions', 'Detener promociones', 'Darme de baja'],
      });
      const stages = await crm.rpc.call(Rpc.crm.listPipeline, { tenantId: user.tenantId });
      expect(stages.map((s) => s.key)).toEqual([...LEAD_STATUSES]);
      expect(stages[0]!.label).toBe('Nuevo');
      const signedIn = await crm.rpc.call(Rpc.crm.verifyCredentials, { email, password: STRONG });
      expect(signedIn).toEqual(user);
    });

    it('keeps the settings it is given', async () => {
      const user = await crm.rpc.call(Rpc.crm.signup, {
        companyName: 'Sunny Homes',
        name: 'Sam',
        email: uniqueEmail('sam'),
        password: STRONG,
        timezone: 'America/Bogota',
        currency: 'COP',
        locale: 'en-US',
      });
      const tenant = await crm.rpc.call(Rpc.crm.getTenant, { tenantId: user.tenantId });
      expect(tenant).toMatchObject({ timezone: 'America/Bogota', currency: 'COP', locale: 'en-US' });
    });

    it('answers CONFLICT to an email already in use (any case) and creates no second tenant', async () => {
      const email = uniqueEmail('dup');
      await crm.rpc.call(Rpc.crm.signup, { companyName: 'Uno', name: 'Uno', email, password: STRONG });
      const error = await rpcError(
        crm.rpc.call(Rpc.crm.signup, {
          companyName: 'Dos',
          name: 'Dos',
          email: email.toUpperCase(),
          password: STRONG,
        }),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toBe(
        `an account with the email ${email.toLowerCase()} already exists; sign in instead`,
      );
      const tenants: unknown[] = await crm.db.query(`SELECT 1 FROM crm.tenants WHERE name = 'Dos'`);
      expect(tenants).toHaveLength(0);
    });

    it('refuses weak passwords and unknown settings with VALIDATION naming the rule', async () => {
      const base = { companyName: 'Débil', name: 'Débil', email: uniqueEmail('ventas') };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ password: 'corta123' }, /password must be 10 to 200 characters long/],
        [{ password: 'sololetrasaqui' }, /password must contain letters and digits/],
        [{ password: `${base.email.split('@')[0]}9` }, /must not contain the part of the email before the @/],
        [{ password: STRONG, timezone: 'Mars/Olympus' }, /timezone must be an IANA timezone/],
        [{ password: STRONG, currency: 'ABC' }, /currency must be one of MXN/],
        [{ password: STRONG, locale: 'fr-FR' }, /locale must be one of es-MX, en-US/],
      ];
      for (const [extra, message] of cases) {
        const error = await rpcError(crm.rpc.callInvalid(Rpc.crm.signup, { ...base, ...extra }));
        expect({ code: error.code, message: error.message }).toEqual({
          code: 'VALIDATION',
          message: expect.stringMatching(message),
        });
      }
    });
  });

  describe('tenant settings', () => {
    it('changes the given fields only, and NOT_FOUND for an unknown tenant', async () => {
      const tenant = await createTestTenant(crm.db, 'Ajustes');
      const updated = await crm.rpc.call(Rpc.crm.updateTenant, {
        tenantId: tenant.tenantId,
        timezone: 'Europe/Madrid',
        currency: 'EUR',
      });
      expect(updated).toEqual({
        id: tenant.tenantId,
        name: 'Ajustes',
        timezone: 'Europe/Madrid',
        currency: 'EUR',
        locale: 'es-MX',
        optOutKeywords: ['STOP', 'BAJA', 'CANCELAR'],
        optOutButtonTexts: ['Stop promotions', 'Detener promociones', 'Darme de baja'],
      });
      const renamed = await crm.rpc.call(Rpc.crm.updateTenant, {
        tenantId: tenant.tenantId,
        name: 'Ajustes 2',
        locale: 'en-US',
      });
      expect(renamed).toMatchObject({ name: 'Ajustes 2', currency: 'EUR', locale: 'en-US' });
      const error = await rpcError(crm.rpc.call(Rpc.crm.updateTenant, { tenantId: randomUUID(), name: 'x' }));
      expect(error.code).toBe('NOT_FOUND');
      const invalid = await rpcError(
        crm.rpc.callInvalid(Rpc.crm.updateTenant, { tenantId: tenant.tenantId, currency: 'mxn' }),
      );
      expect(invalid.code).toBe('VALIDATION');
    });
  });

  describe('users', () => {
    it("lists the tenant's users only, without any password", async () => {
      const users = await crm.rpc.call(Rpc.crm.listUsers, { tenantId: tenantA.tenantId });
      expect(users.map((u) => u.id).sort()).toEqual(
        Object.values(tenantA.users)
          .map((u) => u.id)
          .sort(),
      );
      expect(users.every((u) => u.active)).toBe(true);
      expect(JSON.stringify(users)).not.toMatch(/password|hash/i);
    });

    it('creates a user who can sign in; CONFLICT names a user of the tenant, not one of another tenant', async () => {
      const email = uniqueEmail('nuevo');
      const user = await crm.rpc.call(Rpc.crm.createUser, {
        tenantId: tenantA.tenantId,
        name: 'Nuevo Closer',
        email,
        role: 'closer',
        password: STRONG,
      });
      expect(user).toEqual({
        id: expect.any(String),
        name: 'Nuevo Closer',
        email,
        role: 'closer',
        active: true,
        createdAt: expect.any(String),
        phone: null,
      });
      expect((await crm.rpc.call(Rpc.crm.verifyCredentials, { email, password: STRONG })).userId).toBe(
        user.id,
      );

      const same = await rpcError(
        crm.rpc.call(Rpc.crm.createUser, {
          tenantId: tenantA.tenantId,
          name: 'Otra',
          email: email.toUpperCase(),
          role: 'setter',
          password: STRONG,
        }),
      );
      expect(same).toMatchObject({
        code: 'CONFLICT',
        message: `user ${user.id} already has the email ${email}`,
        details: { userId: user.id },
      });
      const other = await rpcError(
        crm.rpc.call(Rpc.crm.createUser, {
          tenantId: tenantB.tenantId,
          name: 'Otra',
          email,
          role: 'setter',
          password: STRONG,
        }),
      );
      expect(other.code).toBe('CONFLICT');
      expect(other.message).toBe(`the email ${email} is already used by another account`);
      expect(other.details).toBeUndefined();
    });

    it('renames, changes the role of, resets the password of, deactivates and reactivates a user', async () => {
      const tenant = await createTestTenant(crm.db, 'Equipo');
      const { id, email } = tenant.users.setter;
      const ceo = tenant.users.ceo.id;
      const newSession = async (): Promise<string> =>
        (
          await crm.rpc.call(Rpc.crm.createSession, {
            tenantId: tenant.tenantId,
            userId: id,
            ttlSeconds: 3600,
            userAgent: 'x'.repeat(500),
          })
        ).sessionId;
      const access = (sessionId: string) =>
        crm.rpc.call(Rpc.crm.userAccess, { tenantId: tenant.tenantId, userId: id, sessionId });
      const first = await newSession();
      const stored: { user_agent: string }[] = await crm.db.query(
        `SELECT user_agent FROM crm.sessions WHERE id = $1`,
        [first],
      );
      expect(stored[0]!.user_agent).toHaveLength(200);
      const renamed = await crm.rpc.call(Rpc.crm.updateUser, {
        tenantId: tenant.tenantId,
        actorUserId: ceo,
        userId: id,
        name: 'Setter Renombrado',
        role: 'closer',
      });
      expect(renamed).toMatchObject({ id, name: 'Setter Renombrado', role: 'closer', active: true });
      expect(await access(first)).toEqual({ active: true, role: 'closer', sessionLive: true });

      await crm.rpc.call(Rpc.crm.updateUser, {
        tenantId: tenant.tenantId,
        actorUserId: ceo,
        userId: id,
        password: STRONG,
      });
      expect(
        (await rpcError(crm.rpc.call(Rpc.crm.verifyCredentials, { email, password: TEST_PASSWORD }))).code,
      ).toBe('UNAUTHORIZED');
      expect((await crm.rpc.call(Rpc.crm.verifyCredentials, { email, password: STRONG })).userId).toBe(id);
      // A new password (set by the ceo) ends every session of the user.
      expect((await access(first)).sessionLive).toBe(false);
      const second = await newSession();
      expect((await access(second)).sessionLive).toBe(true);

      const off = await crm.rpc.call(Rpc.crm.updateUser, {
        tenantId: tenant.tenantId,
        actorUserId: ceo,
        userId: id,
        active: false,
      });
      expect(off.active).toBe(false);
      const disabled = await rpcError(crm.rpc.call(Rpc.crm.verifyCredentials, { email, password: STRONG }));
      expect(disabled).toMatchObject({
        code: 'ACCOUNT_DISABLED',
        message: 'this account has been deactivated; ask your company admin',
      });
      // A wrong password still says only "invalid": the disabled state is not disclosed to a guesser.
      expect(
        (await rpcError(crm.rpc.call(Rpc.crm.verifyCredentials, { email, password: 'otra-clave-99' }))).code,
      ).toBe('UNAUTHORIZED');
      // Deactivation ends them all too.
      expect(await access(second)).toEqual({
        active: false,
        role: 'closer',
        sessionLive: false,
      });

      await crm.rpc.call(Rpc.crm.updateUser, {
        tenantId: tenant.tenantId,
        actorUserId: ceo,
        userId: id,
        active: true,
      });
      expect((await crm.rpc.call(Rpc.crm.verifyCredentials, { email, password: STRONG })).userId).toBe(id);
    });

    it('records each change to what userAccess answers for the gateways (crm.access.changes), and nothing else', async () => {
      const tenant = await createTestTenant(crm.db, 'Cambios de acceso');
      const { id } = tenant.users.setter;
      const ceo = tenant.users.ceo.id;
      const changes = async () =>
        (await crm.rpc.call(Rpc.crm.accessChanges, { windowSeconds: 60 })).filter((c) => c.userId === id);
      const update = (fields: Record<string, unknown>) =>
        crm.rpc.call(Rpc.crm.updateUser, {
          tenantId: tenant.tenantId,
          actorUserId: ceo,
          userId: id,
          ...fields,
        });
      const session = async () =>
        (
          await crm.rpc.call(Rpc.crm.createSession, {
            tenantId: tenant.tenantId,
            userId: id,
            ttlSeconds: 3600,
          })
        ).sessionId;
      const revoke = (sessionId?: string) =>
        crm.rpc.call(Rpc.crm.revokeSessions, { tenantId: tenant.tenantId, userId: id, sessionId });

      await update({ name: 'Solo el nombre', phone: null });
      await session();
      expect(await changes()).toEqual([]);
      // A refused change (a weak password) rolls back with its row.
      expect((await rpcError(update({ password: 'corta' }))).code).toBe('VALIDATION');
      expect(await changes()).toEqual([]);

      await update({ role: 'closer' });
      await update({ password: STRONG });
      await update({ active: false });
      await update({ active: true });
      const one = await session();
      await revoke(one);
      expect((await revoke(one)).revoked).toBe(0); // ended nothing: nothing to tell
      await session();
      await revoke();
      const recorded = await changes();
      expect(recorded).toHaveLength(6);
      expect(recorded.every((c) => c.tenantId === tenant.tenantId)).toBe(true);
      const seqs = recorded.map((c) => BigInt(c.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));

      // Only the window asked for: an older row is not sent.
      await crm.db.query(
        `INSERT INTO crm.access_changes (tenant_id, user_id, created_at) VALUES ($1, $2, now() - interval '2 minutes')`,
        [tenant.tenantId, id],
      );
      expect(await changes()).toHaveLength(6);
      expect((await rpcError(crm.rpc.call(Rpc.crm.accessChanges, { windowSeconds: 0 }))).code).toBe(
        'VALIDATION',
      );
    });

    it("keeps a user's phone in E.164 like a lead's; null removes it; a bad phone is VALIDATION; leads carry it", async () => {
      const tenant = await createTestTenant(crm.db, 'Teléfonos');
      const ceo = tenant.users.ceo.id;
      const created = await crm.rpc.call(Rpc.crm.createUser, {
        tenantId: tenant.tenantId,
        name: 'Vendedora Con Teléfono',
        email: uniqueEmail('tel'),
        role: 'setter',
        password: STRONG,
        phone: '+52 (55) 1234-5678',
      });
      expect(created.phone).toBe('+5215512345678');
      const update = (changes: { phone?: string | null; name?: string }) =>
        crm.rpc.call(Rpc.crm.updateUser, {
          tenantId: tenant.tenantId,
          actorUserId: ceo,
          userId: created.id,
          ...changes,
        });
      expect((await update({ phone: '0034 612 345 678' })).phone).toBe('+34612345678');
      expect((await update({ name: 'Vendedora Renombrada' })).phone).toBe('+34612345678'); // left out: kept

      // The lead view (what automation-service maps `seller.phone` from) carries the assigned seller's phone.
      const lead = await crm.rpc.call(Rpc.crm.createLead, {
        tenantId: tenant.tenantId,
        name: 'Lead De Vendedora',
        phone: randomPhone(),
        leadSource: 'MANUAL',
        assignedUserId: created.id,
      });
      expect(lead).toMatchObject({
        assignedUserName: 'Vendedora Renombrada',
        assignedUserPhone: '+34612345678',
      });
      const detail = await crm.rpc.call(Rpc.crm.getLead, { tenantId: tenant.tenantId, leadId: lead.id });
      expect(detail.assignedUserPhone).toBe('+34612345678');

      for (const bad of ['5512345678', '+52 55 abc', '+12']) {
        const error = await rpcError(update({ phone: bad }));
        expect(error).toMatchObject({
          code: 'VALIDATION',
          message: 'phone must be in E.164 format, e.g. +5215512345678',
        });
      }
      const badCreate = await rpcError(
        crm.rpc.call(Rpc.crm.createUser, {
          tenantId: tenant.tenantId,
          name: 'Sin Alta',
          email: uniqueEmail('bad-tel'),
          role: 'closer',
          password: STRONG,
          phone: 'llámame',
        }),
      );
      expect(badCreate.code).toBe('VALIDATION');
      expect((await update({})).phone).toBe('+34612345678'); // the bad ones changed nothing

      expect((await update({ phone: null })).phone).toBeNull();
      const noPhone = await crm.rpc.call(Rpc.crm.getLead, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
      });
      expect(noPhone.assignedUserPhone).toBeNull();
      const users = await crm.rpc.call(Rpc.crm.listUsers, { tenantId: tenant.tenantId });
      expect(users.find((u) => u.id === created.id)?.phone).toBeNull();
    });

    it('refuses a ceo deactivating or demoting themself, weak passwords and users of another tenant', async () => {
      const tenant = await createTestTenant(crm.db, 'Reglas');
      const ceo = tenant.users.ceo;
      const self = { tenantId: tenant.tenantId, actorUserId: ceo.id, userId: ceo.id };
      const deactivate = await rpcError(crm.rpc.call(Rpc.crm.updateUser, { ...self, active: false }));
      expect(deactivate).toMatchObject({
        code: 'VALIDATION',
        message: 'you cannot deactivate your own account',
      });
      const demote = await rpcError(crm.rpc.call(Rpc.crm.updateUser, { ...self, role: 'closer' }));
      expect(demote).toMatchObject({
        code: 'VALIDATION',
        message: 'you cannot change your own role: another ceo must do it',
      });
      expect((await crm.rpc.call(Rpc.crm.updateUser, { ...self, role: 'ceo', name: 'Jefa' })).name).toBe(
        'Jefa',
      );

      const local = tenant.users.closer.email.split('@')[0]!;
      const weak = await rpcError(
        crm.rpc.call(Rpc.crm.updateUser, { ...self, userId: tenant.users.closer.id, password: `${local}-1` }),
      );
      expect(weak).toMatchObject({
        code: 'VALIDATION',
        message: 'password must not contain the part of the email before the @',
      });
      const foreign = await rpcError(
        crm.rpc.call(Rpc.crm.updateUser, { ...self, userId: tenantB.users.closer.id, name: 'Intruso' }),
      );
      expect(foreign.code).toBe('NOT_FOUND');
      const rows: { name: string }[] = await crm.db.query(`SELECT name FROM crm.users WHERE id = $1`, [
        tenantB.users.closer.id,
      ]);
      expect(rows[0]!.name).not.toBe('Intruso');
      expect(
        (
          await rpcError(
            crm.rpc.call(Rpc.crm.userAccess, {
              tenantId: tenant.tenantId,
              userId: randomUUID(),
              sessionId: randomUUID(),
            }),
          )
        ).code,
      ).toBe('NOT_FOUND');
    });
  });

  describe('sellers overview', () => {
    async function lead(tenantId: string, userId: string | null, status: LeadStatus): Promise<string> {
      const rows: { id: string }[] = await crm.db.query(
        `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, status, assigned_user_id)
         VALUES ($1, 'Lead', $2, 'MANUAL', $3, $4) RETURNING id`,
        [tenantId, randomPhone(), status, userId],
      );
      return rows[0]!.id;
    }
    async function opportunity(
      tenantId: string,
      leadId: string,
      value: number,
      currency: string,
      status: string,
    ) {
      await crm.db.query(
        `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, status)
         VALUES ($1, $2, 'Depa', $3, $4, $5)`,
        [tenantId, leadId, value, currency, status],
      );
    }
    async function sale(tenantId: string, leadId: string, amount: number, currency: string, status: string) {
      await crm.db.query(
        `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'completed' THEN now() END)`,
        [tenantId, leadId, amount, currency, status],
      );
    }

    it('sums open leads, pending pipeline and completed revenue per active seller and currency', async () => {
      const tenant = await createTestTenant(crm.db, 'Vendedores');
      const t = tenant.tenantId;
      const { setter, closer, professional, ceo } = tenant.users;
      const inactive = await createUser(crm.db, {
        tenantId: t,
        email: uniqueEmail('baja'),
        name: 'Baja',
        role: 'closer',
        password: STRONG,
      });
      await crm.db.query(`UPDATE crm.users SET active = false WHERE id = $1`, [inactive]);

      const s1 = await lead(t, setter.id, 'nuevo');
      await lead(t, setter.id, 'negociacion');
      await lead(t, setter.id, 'cerrado_perdido');
      await opportunity(t, s1, 1000.5, 'MXN', 'pending');
      await opportunity(t, s1, 200, 'USD', 'pending');
      await opportunity(t, s1, 99999, 'MXN', 'lost');

      const c1 = await lead(t, closer.id, 'cerrado_ganado');
      await opportunity(t, c1, 5000, 'MXN', 'won');
      await sale(t, c1, 3000, 'MXN', 'completed');
      await sale(t, c1, 2000.25, 'MXN', 'completed');
      await sale(t, c1, 100, 'USD', 'completed');
      await sale(t, c1, 7777, 'MXN', 'refunded');

      await lead(t, professional.id, 'nuevo');
      await lead(t, inactive, 'nuevo');
      await lead(t, null, 'nuevo');
      // Another tenant's leads never count.
      await lead(tenantB.tenantId, tenantB.users.setter.id, 'nuevo');

      const overview = await crm.rpc.call(Rpc.crm.sellersOverview, { tenantId: t });
      const byId = new Map(overview.map((row) => [row.userId, row]));
      expect([...byId.keys()].sort()).toEqual([setter.id, closer.id, ceo.id].sort());
      expect(byId.get(setter.id)).toEqual({
        userId: setter.id,
        name: `setter ${t.slice(0, 8)}`,
        email: setter.email,
        role: 'setter',
        openLeads: 2,
        openPipeline: [
          { currency: 'MXN', amount: 1000.5 },
          { currency: 'USD', amount: 200 },
        ],
        wonRevenue: [],
      });
      expect(byId.get(closer.id)).toMatchObject({
        openLeads: 0,
        openPipeline: [],
        wonRevenue: [
          { currency: 'MXN', amount: 5000.25 },
          { currency: 'USD', amount: 100 },
        ],
      });
      expect(byId.get(ceo.id)).toMatchObject({ openLeads: 0, openPipeline: [], wonRevenue: [] });
    });
  });
});
