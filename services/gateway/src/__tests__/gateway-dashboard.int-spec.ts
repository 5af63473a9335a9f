import request from 'supertest';
import type { CrmDashboard, Role } from '@crm/contracts';
import type { ServiceHandle } from '@crm/testing';
import type { Client } from 'pg';
import {
  ROLES,
  TEST_PASSWORD,
  connectDatabase,
  seedLead,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

type Agent = ReturnType<typeof request.agent>;

describe('gateway: dashboard (real crm-service)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenant: SeededTenant;
  const agents = {} as Record<Role, Agent>;

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenant = await seedTenant(db, 'Inmobiliaria Tablero');
    const other = await seedTenant(db, 'Inmobiliaria Ajena');
    // One lead per role with a 100 MXN sale completed now; another tenant's lead and sale must not count.
    for (const role of ROLES) {
      const leadId = await seedLead(db, tenant.tenantId, `Lead de ${role}`);
      await db.query(`UPDATE crm.leads SET assigned_user_id = $1 WHERE id = $2`, [
        tenant.users[role].id,
        leadId,
      ]);
      await db.query(
        `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at)
         VALUES ($1, $2, 100, 'MXN', 'completed', now() - interval '1 minute')`,
        [tenant.tenantId, leadId],
      );
      agents[role] = request.agent(gateway.server);
      await agents[role]
        .post('/crm/auth/login')
        .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
        .expect(200);
    }
    const foreign = await seedLead(db, other.tenantId, 'Lead ajeno');
    await db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at)
       VALUES ($1, $2, 5000, 'MXN', 'completed', now() - interval '1 minute')`,
      [other.tenantId, foreign],
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  it('answers 401 without a session', async () => {
    await request(gateway.server).get('/crm/dashboard').expect(401);
  });

  it('answers every role, the tenant to ceo and professional, their own to setter and closer', async () => {
    for (const role of ROLES) {
      const response = await agents[role].get('/crm/dashboard').expect(200);
      const body = response.body as CrmDashboard;
      const sees = role === 'ceo' || role === 'professional' ? 4 : 1;
      expect([role, body.scope]).toEqual([role, sees === 4 ? 'tenant' : 'own']);
      expect([role, body.revenue.thisMonth.totals]).toEqual([role, [{ currency: 'MXN', value: 100 * sees }]]);
      expect([role, body.leads.total]).toEqual([role, sees]);
      expect(body.timezone).toBe('America/Mexico_City');
      if (sees === 1) {
        expect(body.leads.bySeller).toEqual([
          { userId: tenant.users[role].id, name: `${role} ${tenant.tenantId.slice(0, 8)}`, count: 1 },
        ]);
      }
    }
  });
});
