import request from 'supertest';
import type { Agenda, ClientView, Page, Role } from '@crm/contracts';
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

const WEEK_FROM = '2026-11-23T06:00:00.000Z';
const WEEK_TO = '2026-11-30T06:00:00.000Z';

describe('gateway: clients and agenda (real crm-service)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenant: SeededTenant;
  let other: SeededTenant;
  const agents = {} as Record<Role, Agent>;
  /** Lead ids by name. */
  const leads: Record<string, string> = {};
  /** Opportunity ids by title. */
  const opportunities: Record<string, string> = {};

  async function sale(
    leadId: string,
    amount: number,
    currency: string,
    status: 'completed' | 'refunded' | 'pending',
    completedAt: string | null,
  ) {
    await db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at, refunded_at)
       SELECT tenant_id, id, $2, $3, $4, $5::timestamptz, CASE WHEN $4 = 'refunded' THEN now() END
         FROM crm.leads WHERE id = $1`,
      [leadId, amount, currency, status, completedAt],
    );
  }

  async function opportunity(
    leadId: string,
    title: string,
    deadline: string | null,
    ownerId: string | null,
    status = 'pending',
  ) {
    const [{ id }]: { id: string }[] = (
      await db.query(
        `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, status, deadline, owner_user_id,
                                        closed_at, lost_reason)
         SELECT tenant_id, id, $2, 1500.5, 'MXN', $3, $4::timestamptz, $5,
                CASE WHEN $3 <> 'pending' THEN now() END, CASE WHEN $3 = 'lost' THEN 'precio' END
           FROM crm.leads WHERE id = $1
         RETURNING id`,
        [leadId, title, status, deadline, ownerId],
      )
    ).rows;
    opportunities[title] = id;
  }

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenant = await seedTenant(db, 'Inmobiliaria Clientes');
    other = await seedTenant(db, 'Inmobiliaria Ajena');
    for (const role of ROLES) {
      agents[role] = request.agent(gateway.server);
      await agents[role]
        .post('/crm/auth/login')
        .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
        .expect(200);
    }
    const lead = async (name: string, tenantId: string, assignee: string | null) => {
      leads[name] = await seedLead(db, tenantId, name);
      await db.query(`UPDATE crm.leads SET assigned_user_id = $1 WHERE id = $2`, [assignee, leads[name]]);
    };
    await lead('Ana Setter', tenant.tenantId, tenant.users.setter.id);
    await lead('Beto Closer', tenant.tenantId, tenant.users.closer.id);
    await lead('Carla Sin Asignar', tenant.tenantId, null);
    await lead('Diego Reembolso', tenant.tenantId, tenant.users.setter.id);
    await lead('Elena Sin Venta', tenant.tenantId, tenant.users.setter.id);
    await lead('Fausto Ajeno', other.tenantId, other.users.setter.id);

    // Ana: two MXN purchases, one USD, one refunded (excluded) and one pending (excluded).
    await sale(leads['Ana Setter'], 1000, 'MXN', 'completed', '2026-10-01T10:00:00Z');
    await sale(leads['Ana Setter'], 250.25, 'MXN', 'completed', '2026-10-20T10:00:00Z');
    await sale(leads['Ana Setter'], 99.5, 'USD', 'completed', '2026-09-01T10:00:00Z');
    await sale(leads['Ana Setter'], 5000, 'MXN', 'refunded', '2026-11-01T10:00:00Z');
    await sale(leads['Ana Setter'], 700, 'MXN', 'pending', null);
    await sale(leads['Beto Closer'], 300, 'MXN', 'completed', '2026-11-10T10:00:00Z');
    await sale(leads['Carla Sin Asignar'], 40, 'MXN', 'completed', '2026-08-10T10:00:00Z');
    // Diego's only sale was refunded: not a client.
    await sale(leads['Diego Reembolso'], 800, 'MXN', 'refunded', '2026-11-20T10:00:00Z');
    await sale(leads['Elena Sin Venta'], 900, 'MXN', 'pending', null);
    await sale(leads['Fausto Ajeno'], 123, 'MXN', 'completed', '2026-11-25T10:00:00Z');

    const { setter, closer, ceo } = tenant.users;
    await opportunity(leads['Ana Setter'], 'Lunes de Ana', '2026-11-23T17:00:00Z', setter.id);
    await opportunity(leads['Beto Closer'], 'Martes de Beto', '2026-11-24T17:00:00Z', closer.id);
    // Owned by the closer on the setter's lead: both see it.
    await opportunity(leads['Ana Setter'], 'Miércoles compartido', '2026-11-25T17:00:00Z', closer.id);
    await opportunity(leads['Carla Sin Asignar'], 'Jueves del ceo', '2026-11-26T17:00:00Z', ceo.id);
    await opportunity(leads['Carla Sin Asignar'], 'Ganada', '2026-11-26T18:00:00Z', ceo.id, 'won');
    await opportunity(leads['Carla Sin Asignar'], 'Perdida', '2026-11-26T19:00:00Z', ceo.id, 'lost');
    await opportunity(leads['Carla Sin Asignar'], 'Sin fecha', null, ceo.id);
    await opportunity(leads['Carla Sin Asignar'], 'Semana siguiente', WEEK_TO, ceo.id);
    await opportunity(leads['Carla Sin Asignar'], 'Semana anterior', '2026-11-23T05:59:59Z', ceo.id);
    await opportunity(leads['Fausto Ajeno'], 'Ajena', '2026-11-24T17:00:00Z', other.users.ceo.id);
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  it('answers 401 without a session', async () => {
    await request(gateway.server).get('/crm/clients').expect(401);
    await request(gateway.server).get(`/crm/agenda?from=${WEEK_FROM}&to=${WEEK_TO}`).expect(401);
  });

  it('documents both routes with the contract query fields and none of the session ones', async () => {
    const spec = await request(gateway.server).get('/api/docs-json').expect(200);
    type Parameter = { name: string; in: string; required?: boolean };
    const query = (path: string) =>
      (spec.body.paths[path].get.parameters as Parameter[]).filter((parameter) => parameter.in === 'query');
    expect(
      query('/crm/clients')
        .map((parameter) => parameter.name)
        .sort(),
    ).toEqual(['page', 'pageSize', 'search']);
    const agendaQuery = query('/crm/agenda');
    expect(agendaQuery.map((parameter) => [parameter.name, parameter.required]).sort()).toEqual([
      ['from', true],
      ['to', true],
    ]);
  });

  describe('GET /crm/clients', () => {
    const list = async (role: Role, query = '') =>
      (await agents[role].get(`/crm/clients${query}`).expect(200)).body as Page<ClientView>;

    it('lists the tenant clients, latest purchase first, with revenue per currency of completed sales', async () => {
      const page = await list('ceo');
      expect(page.total).toBe(3);
      expect(page.items.map((client) => client.name)).toEqual([
        'Beto Closer',
        'Ana Setter',
        'Carla Sin Asignar',
      ]);
      const ana = page.items[1];
      expect(ana).toEqual({
        leadId: leads['Ana Setter'],
        name: 'Ana Setter',
        phone: expect.stringMatching(/^\+52155\d{8}$/),
        assignedUserId: tenant.users.setter.id,
        assignedUserName: `setter ${tenant.tenantId.slice(0, 8)}`,
        revenue: [
          { currency: 'MXN', value: 1250.25 },
          { currency: 'USD', value: 99.5 },
        ],
        purchases: 3,
        lastPurchaseAt: '2026-10-20T10:00:00.000Z',
      });
      expect(page.items[2]).toMatchObject({ assignedUserId: null, assignedUserName: null, purchases: 1 });
    });

    it('leaves out refunded and pending sales, leads without a completed sale and other tenants', async () => {
      const names = (await list('professional')).items.map((client) => client.name);
      expect(names).not.toContain('Diego Reembolso');
      expect(names).not.toContain('Elena Sin Venta');
      expect(names).not.toContain('Fausto Ajeno');
    });

    it('gives a setter and a closer only the leads assigned to them', async () => {
      const setter = await list('setter');
      expect(setter.items.map((client) => client.name)).toEqual(['Ana Setter']);
      expect(setter.total).toBe(1);
      const closer = await list('closer');
      expect(closer.items.map((client) => client.name)).toEqual(['Beto Closer']);
    });

    it('pages and searches by name', async () => {
      const second = await list('ceo', '?page=2&pageSize=2');
      expect(second).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(second.items.map((client) => client.name)).toEqual(['Carla Sin Asignar']);
      const found = await list('ceo', '?search=ana');
      expect(found.items.map((client) => client.name)).toEqual(['Ana Setter']);
      expect((await list('ceo', '?search=100%25')).total).toBe(0);
      const beyond = await list('ceo', '?page=5&pageSize=2');
      expect(beyond).toMatchObject({ total: 3, items: [] });
    });

    it('refuses bad queries with 400', async () => {
      for (const query of ['?page=0', '?pageSize=101', '?page=x', `?search=${'a'.repeat(101)}`]) {
        const response = await agents.ceo.get(`/crm/clients${query}`);
        expect([query, response.status]).toEqual([query, 400]);
      }
    });

    it('takes the tenant from the session, never from the query', async () => {
      const page = await list('ceo', `?tenantId=${other.tenantId}`);
      expect(page.items.map((client) => client.name)).not.toContain('Fausto Ajeno');
      expect(page.total).toBe(3);
    });
  });

  describe('GET /crm/agenda', () => {
    const agenda = async (role: Role, from = WEEK_FROM, to = WEEK_TO) =>
      (await agents[role].get(`/crm/agenda?from=${from}&to=${to}`).expect(200)).body as Agenda;

    it('lists the pending deadlines of [from, to), earliest first, with lead and owner names', async () => {
      const week = await agenda('ceo');
      expect(week.truncated).toBe(false);
      expect(week.items.map((item) => item.title)).toEqual([
        'Lunes de Ana',
        'Martes de Beto',
        'Miércoles compartido',
        'Jueves del ceo',
      ]);
      expect(week.items[0]).toEqual({
        opportunityId: opportunities['Lunes de Ana'],
        leadId: leads['Ana Setter'],
        leadName: 'Ana Setter',
        title: 'Lunes de Ana',
        value: 1500.5,
        currency: 'MXN',
        deadline: '2026-11-23T17:00:00.000Z',
        ownerId: tenant.users.setter.id,
        ownerName: `setter ${tenant.tenantId.slice(0, 8)}`,
      });
    });

    it('gives a setter and a closer what they own or what is on their leads', async () => {
      expect((await agenda('setter')).items.map((item) => item.title)).toEqual([
        'Lunes de Ana',
        'Miércoles compartido',
      ]);
      expect((await agenda('closer')).items.map((item) => item.title)).toEqual([
        'Martes de Beto',
        'Miércoles compartido',
      ]);
      expect((await agenda('professional')).items).toHaveLength(4);
    });

    it('accepts exactly 62 days and refuses more with 400', async () => {
      await agenda('ceo', '2026-11-01T00:00:00Z', '2027-01-02T00:00:00Z');
      const response = await agents.ceo
        .get('/crm/agenda?from=2026-11-01T00:00:00Z&to=2027-01-02T00:00:01Z')
        .expect(400);
      expect(response.body.message).toContain('62 days');
    });

    it('refuses a missing, malformed or reversed range with 400', async () => {
      const queries = [
        '',
        `?from=${WEEK_FROM}`,
        `?from=2026-02-30T00:00:00Z&to=${WEEK_TO}`,
        `?from=${WEEK_TO}&to=${WEEK_FROM}`,
        `?from=${WEEK_FROM}&to=${WEEK_FROM}`,
      ];
      for (const query of queries) {
        const response = await agents.ceo.get(`/crm/agenda${query}`);
        expect([query, response.status]).toEqual([query, 400]);
      }
    });
  });
});
