import { randomUUID } from 'node:crypto';
import { LEAD_STATUSES, Rpc } from '@crm/contracts';
import {
  TEST_PASSWORD,
  createTestTenant,
  httpGet,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';
import { rpcError } from '@crm/testing';
import { hash as bcryptHash } from 'bcryptjs';

describe('crm-service: credentials, users, tenants, pipeline, health', () => {
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

  it('verifies good credentials (email case-insensitive) into a SessionUser', async () => {
    const user = await crm.rpc.call(Rpc.crm.verifyCredentials, {
      email: tenantA.users.closer.email.toUpperCase(),
      password: TEST_PASSWORD,
    });
    expect(user).toEqual({
      userId: tenantA.users.closer.id,
      tenantId: tenantA.tenantId,
      tenantName: 'Inmobiliaria A',
      tenantLocale: 'es-MX',
      tenantTimezone: 'America/Mexico_City',
      tenantCurrency: 'MXN',
      email: tenantA.users.closer.email,
      name: expect.stringContaining('closer'),
      role: 'closer',
    });
    expect(JSON.stringify(user)).not.toMatch(/password|hash/i);
  });

  it('answers the same UNAUTHORIZED for a wrong password and an unknown email', async () => {
    const wrong = await rpcError(
      crm.rpc.call(Rpc.crm.verifyCredentials, { email: tenantA.users.ceo.email, password: 'nope-nope' }),
    );
    const unknown = await rpcError(
      crm.rpc.call(Rpc.crm.verifyCredentials, {
        email: 'nadie@test.crmventas.test',
        password: TEST_PASSWORD,
      }),
    );
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(unknown.code).toBe('UNAUTHORIZED');
    expect(wrong.message).toBe('invalid email or password');
    expect(unknown.message).toBe(wrong.message);
  });

  it('rejects a malformed login payload with VALIDATION', async () => {
    const error = await rpcError(
      crm.rpc.call(Rpc.crm.verifyCredentials, { email: 'not-an-email', password: '' }),
    );
    expect(error.code).toBe('VALIDATION');
  });

  it('gets a user of the tenant, and NOT_FOUND for a user of another tenant', async () => {
    const user = await crm.rpc.call(Rpc.crm.getUser, {
      tenantId: tenantA.tenantId,
      userId: tenantA.users.setter.id,
    });
    expect(user.role).toBe('setter');
    expect(user.tenantName).toBe('Inmobiliaria A');
    const error = await rpcError(
      crm.rpc.call(Rpc.crm.getUser, { tenantId: tenantB.tenantId, userId: tenantA.users.setter.id }),
    );
    expect(error.code).toBe('NOT_FOUND');
  });

  it('gets the tenant, NOT_FOUND for an unknown one', async () => {
    const tenant = await crm.rpc.call(Rpc.crm.getTenant, { tenantId: tenantA.tenantId });
    expect(tenant).toEqual({
      id: tenantA.tenantId,
      name: 'Inmobiliaria A',
      currency: 'MXN',
      timezone: 'America/Mexico_City',
      locale: 'es-MX',
      optOutKeywords: ['STOP', 'BAJA', 'CANCELAR'],
      optOutButtonTexts: ['Stop promotions', 'Detener promociones', 'Darme de baja'],
    });
    expect((await rpcError(crm.rpc.call(Rpc.crm.getTenant, { tenantId: randomUUID() }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await rpcError(crm.rpc.call(Rpc.crm.getTenant, { tenantId: 'x' }))).code).toBe('VALIDATION');
  });

  it('lists the seeded pipeline in order with Spanish labels', async () => {
    const stages = await crm.rpc.call(Rpc.crm.listPipeline, {
      tenantId: tenantB.tenantId,
    });
    expect(stages.map((s) => s.key)).toEqual([...LEAD_STATUSES]);
    expect(stages.map((s) => s.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(stages.map((s) => s.label)).toEqual([
      'Nuevo',
      'Contactado',
      'Calificado',
      'Llamada agendada',
      'Negociación',
      'Cerrado ganado',
      'Cerrado perdido',
    ]);
    expect((await rpcError(crm.rpc.call(Rpc.crm.listPipeline, { tenantId: randomUUID() }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('stores password hashes with scrypt (self-describing) and lowercased emails', async () => {
    const rows: { email: string; password_hash: string }[] = await crm.db.query(
      `SELECT email, password_hash FROM crm.users WHERE tenant_id = $1`,
      [tenantA.tenantId],
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(row.email).toBe(row.email.toLowerCase());
    }
  });

  it('verifies a legacy bcrypt hash and re-hashes it to scrypt on that successful login', async () => {
    const user = tenantB.users.setter;
    await crm.db.query(`UPDATE crm.users SET password_hash = $2 WHERE id = $1`, [
      user.id,
      await bcryptHash(TEST_PASSWORD, 4),
    ]);
    const hashOf = async () =>
      (
        (await crm.db.query(`SELECT password_hash FROM crm.users WHERE id = $1`, [user.id])) as {
          password_hash: string;
        }[]
      )[0]!.password_hash;
    // A wrong password leaves the legacy hash alone.
    await rpcError(crm.rpc.call(Rpc.crm.verifyCredentials, { email: user.email, password: 'otra-clave-1' }));
    expect(await hashOf()).toMatch(/^\$2[aby]\$04\$/);
    await crm.rpc.call(Rpc.crm.verifyCredentials, { email: user.email, password: TEST_PASSWORD });
    expect(await hashOf()).toMatch(/^scrypt\$15\$/);
    expect(
      (await crm.rpc.call(Rpc.crm.verifyCredentials, { email: user.email, password: TEST_PASSWORD })).userId,
    ).toBe(user.id);
  });

  it('GET /health answers 200 with database and nats up', async () => {
    const response = await httpGet(`${crm.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok', checks: { database: 'up', nats: 'up' } });
  });
});
