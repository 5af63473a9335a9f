import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  Events,
  type EventPayload,
  type OpportunityBoard,
  type OpportunityView,
  type Page,
  type Role,
  type SaleView,
} from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { waitFor, type ServiceHandle } from '@crm/testing';
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
type CrmEvent = typeof Events.opportunityWon | typeof Events.opportunityLost | typeof Events.saleRefunded;

describe('gateway: opportunities and sales (real crm-service)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let jetstream: JetStreamService;
  let tenant: SeededTenant;
  let other: SeededTenant;
  const agents = {} as Record<Role, Agent>;
  /** Leads: one assigned to each role, one unassigned. */
  const leads = {} as Record<Role | 'none', string>;
  let foreignLead: string;

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    jetstream = new JetStreamService();
    await jetstream.connect(process.env.NATS_URL!, `gateway-opportunities-${randomUUID().slice(0, 8)}`);
    tenant = await seedTenant(db, 'Inmobiliaria Kanban');
    other = await seedTenant(db, 'Inmobiliaria Ajena');
    foreignLead = await seedLead(db, other.tenantId, 'Lead ajeno');
    for (const role of ROLES) {
      leads[role] = await seedLead(db, tenant.tenantId, `Lead de ${role}`);
      await db.query(`UPDATE crm.leads SET assigned_user_id = $1 WHERE id = $2`, [
        tenant.users[role].id,
        leads[role],
      ]);
      agents[role] = request.agent(gateway.server);
      await agents[role]
        .post('/crm/auth/login')
        .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
        .expect(200);
    }
    leads.none = await seedLead(db, tenant.tenantId, 'Lead sin asignar');
  });

  afterAll(async () => {
    await jetstream?.onApplicationShutdown();
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  async function collect<S extends CrmEvent>(subject: S): Promise<EventPayload<S>[]> {
    const received: EventPayload<S>[] = [];
    await jetstream.consume({
      durable: `gateway-test-${randomUUID()}`,
      subject,
      from: 'new',
      handler: async (event) => {
        if (event.tenantId === tenant.tenantId) received.push(event);
      },
    });
    return received;
  }

  const createOpportunity = async (role: Role, body: Record<string, unknown>) =>
    (
      await agents[role]
        .post('/crm/opportunities')
        .send({ title: 'Casa', value: 1000, currency: 'MXN', ...body })
        .expect(201)
    ).body as OpportunityView;

  it('answers 401 without a session on every route', async () => {
    const id = randomUUID();
    const routes: Array<['get' | 'post' | 'patch', string]> = [
      ['get', '/crm/opportunities'],
      ['get', '/crm/opportunities/board'],
      ['get', `/crm/opportunities/${id}`],
      ['post', '/crm/opportunities'],
      ['patch', `/crm/opportunities/${id}`],
      ['get', '/crm/sales'],
      ['post', '/crm/sales'],
      ['patch', `/crm/sales/${id}`],
    ];
    for (const [method, path] of routes) {
      const response = await request(gateway.server)[method](path).send({});
      expect([path, response.status]).toEqual([path, 401]);
    }
  });

  describe('opportunities', () => {
    const created = {} as Record<Role, OpportunityView>;

    beforeAll(async () => {
      for (const role of ROLES) {
        created[role] = await createOpportunity(role, { leadId: leads.none, title: `De ${role}` });
      }
    });

    it('lets every role create one, owned by the caller', async () => {
      for (const role of ROLES) {
        expect(created[role]).toMatchObject({
          title: `De ${role}`,
          status: 'pending',
          ownerId: tenant.users[role].id,
          leadId: leads.none,
          leadName: 'Lead sin asignar',
        });
      }
    });

    it('shows ceo and professional everything, setter and closer their own and those of their leads', async () => {
      const onCloserLead = await createOpportunity('ceo', { leadId: leads.closer, title: 'Lead del closer' });
      const titles = async (role: Role) => {
        const response = await agents[role].get('/crm/opportunities').query({ pageSize: 100 }).expect(200);
        return (response.body as Page<OpportunityView>).items.map((o) => o.title).sort();
      };
      const all = ['De ceo', 'De closer', 'De professional', 'De setter', 'Lead del closer'];
      expect(await titles('ceo')).toEqual(all);
      expect(await titles('professional')).toEqual(all);
      expect(await titles('setter')).toEqual(['De setter']);
      expect(await titles('closer')).toEqual(['De closer', 'Lead del closer']);

      await agents.closer.get(`/crm/opportunities/${onCloserLead.id}`).expect(200);
      const hidden = await agents.setter.get(`/crm/opportunities/${onCloserLead.id}`).expect(404);
      expect(hidden.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'opportunity not found' });
      await agents.setter.patch(`/crm/opportunities/${onCloserLead.id}`).send({ title: 'Mía' }).expect(404);
      const forbidden = await agents.setter
        .patch(`/crm/opportunities/${created.setter.id}`)
        .send({ ownerId: tenant.users.closer.id })
        .expect(403);
      expect(forbidden.body.message).toBe('a setter can only assign opportunities to themselves');
    });

    it('filters the list and answers the board per status', async () => {
      const filtered = await agents.ceo
        .get('/crm/opportunities')
        .query({ ownerId: tenant.users.professional.id, status: 'pending', page: 1, pageSize: 10 })
        .expect(200);
      expect(filtered.body).toMatchObject({
        total: 1,
        page: 1,
        pageSize: 10,
        items: [{ title: 'De professional' }],
      });
      const board = (await agents.ceo.get('/crm/opportunities/board').query({ perStatus: 2 }).expect(200))
        .body as OpportunityBoard;
      expect(board.columns.map((c) => [c.status, c.count, c.cards.length])).toEqual([
        ['pending', 5, 2],
        ['won', 0, 0],
        ['lost', 0, 0],
      ]);
      expect(board.columns[0].totals).toEqual([{ currency: 'MXN', value: 5000 }]);
      const setterBoard = (await agents.setter.get('/crm/opportunities/board').expect(200))
        .body as OpportunityBoard;
      expect(setterBoard.columns[0].count).toBe(1);
    });

    it('validates with 400 naming the problem and answers 404 for another tenant', async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ leadId: leads.none, value: -5 }, 'value must be greater than 0'],
        [{ leadId: leads.none, value: 0 }, 'value must be greater than 0'],
        [{ leadId: leads.none, currency: 'ABC' }, 'currency must be an ISO 4217 code'],
        [{ leadId: leads.none, deadline: '2026-13-01' }, 'deadline must be an ISO 8601'],
        [{ leadId: leads.none, tenantId: other.tenantId }, 'tenantId'],
        [{ leadId: leads.none, actorRole: 'ceo' }, 'actorRole'],
      ];
      for (const [body, message] of bad) {
        const response = await agents.closer
          .post('/crm/opportunities')
          .send({ title: 'X', value: 10, currency: 'MXN', ...body })
          .expect(400);
        expect(response.body.code).toBe('VALIDATION');
        expect(response.body.message).toContain(message);
      }
      await agents.ceo.get('/crm/opportunities').query({ deadlineFrom: 'mañana' }).expect(400);
      await agents.ceo.get('/crm/opportunities/not-a-uuid').expect(400);
      await agents.ceo
        .post('/crm/opportunities')
        .send({ leadId: foreignLead, title: 'X', value: 10, currency: 'MXN' })
        .expect(404);
      await agents.ceo
        .patch(`/crm/opportunities/${created.ceo.id}`)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ status: 'won' }))
        .expect(415);
    });

    it('wins and loses with closedAt stamped, lost needs a reason, each won/lost event exactly once', async () => {
      const won = await collect(Events.opportunityWon);
      const lost = await collect(Events.opportunityLost);
      const a = await createOpportunity('closer', { leadId: leads.closer, title: 'Ganar' });
      const b = await createOpportunity('closer', { leadId: leads.closer, title: 'Perder' });
      const winning = await agents.closer
        .patch(`/crm/opportunities/${a.id}`)
        .send({ status: 'won' })
        .expect(200);
      expect(winning.body).toMatchObject({ status: 'won', closedAt: expect.any(String) });
      const noReason = await agents.closer
        .patch(`/crm/opportunities/${b.id}`)
        .send({ status: 'lost' })
        .expect(400);
      expect(noReason.body.message).toBe('lostReason is required to mark an opportunity lost');
      const losing = await agents.closer
        .patch(`/crm/opportunities/${b.id}`)
        .send({ status: 'lost', lostReason: 'Precio' })
        .expect(200);
      expect(losing.body).toMatchObject({
        status: 'lost',
        lostReason: 'Precio',
        closedAt: expect.any(String),
      });
      const reopened = await agents.ceo
        .patch(`/crm/opportunities/${a.id}`)
        .send({ status: 'pending' })
        .expect(200);
      expect(reopened.body).toMatchObject({ status: 'pending', closedAt: null });
      await waitFor(() => won.length >= 1 && lost.length >= 1, { what: 'won and lost events' });
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(won.map((e) => e.opportunityId)).toEqual([a.id]);
      expect(lost.map((e) => [e.opportunityId, e.lostReason])).toEqual([[b.id, 'Precio']]);
    });
  });

  describe('sales', () => {
    it('records, lists per role, refunds once and refuses a lost opportunity', async () => {
      const refunded = await collect(Events.saleRefunded);
      const opportunity = await createOpportunity('setter', { leadId: leads.setter, title: 'Venta' });
      const sale = (
        await agents.setter
          .post('/crm/sales')
          .send({ leadId: leads.setter, opportunityId: opportunity.id, amount: 1500.5, currency: 'USD' })
          .expect(201)
      ).body as SaleView;
      expect(sale).toMatchObject({ status: 'completed', amount: 1500.5, currency: 'USD', refundedAt: null });
      await agents.ceo
        .post('/crm/sales')
        .send({ leadId: leads.closer, amount: 10, currency: 'MXN', completedAt: '2026-01-01T00:00:00Z' })
        .expect(201);

      const amounts = async (role: Role, query: Record<string, string> = {}) =>
        ((await agents[role].get('/crm/sales').query(query).expect(200)).body as Page<SaleView>).items.map(
          (s) => s.amount,
        );
      expect(await amounts('ceo')).toEqual([1500.5, 10]);
      expect(await amounts('professional')).toEqual([1500.5, 10]);
      expect(await amounts('setter')).toEqual([1500.5]);
      expect(await amounts('closer')).toEqual([10]);
      expect(await amounts('ceo', { completedTo: '2026-02-01T00:00:00Z' })).toEqual([10]);

      await agents.closer.patch(`/crm/sales/${sale.id}`).send({ status: 'refunded' }).expect(404);
      const refund = await agents.professional
        .patch(`/crm/sales/${sale.id}`)
        .send({ status: 'refunded' })
        .expect(200);
      expect(refund.body).toMatchObject({ status: 'refunded', refundedAt: expect.any(String) });
      const again = await agents.ceo.patch(`/crm/sales/${sale.id}`).send({ amount: 1 }).expect(409);
      expect(again.body).toMatchObject({
        code: 'CONFLICT',
        message: 'the sale is refunded: a refunded sale cannot be changed',
      });
      expect(await amounts('ceo', { status: 'refunded' })).toEqual([1500.5]);

      await agents.setter
        .patch(`/crm/opportunities/${opportunity.id}`)
        .send({ status: 'lost', lostReason: 'Devolución' })
        .expect(200);
      const onLost = await agents.setter
        .post('/crm/sales')
        .send({ leadId: leads.setter, opportunityId: opportunity.id, amount: 5, currency: 'MXN' })
        .expect(409);
      expect(onLost.body.message).toBe('the opportunity is lost: reopen it before recording a sale');

      await waitFor(() => refunded.length >= 1, { what: 'sale.refunded' });
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(refunded.map((e) => [e.saleId, e.amount])).toEqual([[sale.id, 1500.5]]);
    });

    it('validates with 400 and answers 404 for another tenant', async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ amount: -1 }, 'amount must be greater than 0'],
        [{ amount: 0 }, 'amount must be greater than 0'],
        [{ currency: 'usd' }, 'currency must be an ISO 4217 code'],
        [{ completedAt: '2026-02-30T00:00:00Z' }, 'completedAt must be an ISO 8601'],
        [{ status: 'completed' }, 'status'],
      ];
      for (const [body, message] of bad) {
        const response = await agents.ceo
          .post('/crm/sales')
          .send({ leadId: leads.none, amount: 10, currency: 'MXN', ...body })
          .expect(400);
        expect(response.body.message).toContain(message);
      }
      await agents.ceo.patch('/crm/sales/x').send({ amount: 1 }).expect(400);
      await agents.ceo.patch(`/crm/sales/${randomUUID()}`).send({ status: 'pending' }).expect(400);
      await agents.ceo
        .post('/crm/sales')
        .send({ leadId: foreignLead, amount: 10, currency: 'MXN' })
        .expect(404);
      await agents.ceo.get('/crm/sales').query({ completedFrom: 'ayer' }).expect(400);
    });
  });
});
