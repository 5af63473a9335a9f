import { Events, Rpc, type CreateSaleRequest, type Role } from '@crm/contracts';
import { rpcError, waitFor } from '@crm/testing';
import {
  actorOf,
  collectEvents,
  createLeadFor,
  createTestTenant,
  randomPhone,
  sleep,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

describe('crm-service: sales', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Ventas');
    other = await createTestTenant(crm.db, 'Otra');
  });

  afterAll(async () => {
    await crm.close();
  });

  const actor = actorOf;
  const lead = (t: TestTenant, assignedTo?: Role) => createLeadFor(crm, t, assignedTo);

  const opportunity = (t: TestTenant, leadId: string, role: Role = 'ceo') =>
    crm.rpc.call(Rpc.crm.createOpportunity, {
      ...actor(t, role),
      leadId,
      title: 'Casa',
      value: 1_000_000,
      currency: 'MXN',
    });

  const sell = (
    t: TestTenant,
    role: Role,
    fields: Omit<CreateSaleRequest, 'tenantId' | 'actorUserId' | 'actorRole' | 'amount' | 'currency'> &
      Partial<CreateSaleRequest>,
  ) => crm.rpc.call(Rpc.crm.createSale, { amount: 950_000, currency: 'MXN', ...fields, ...actor(t, role) });

  it('records a completed sale of an opportunity and emits sale.completed exactly once', async () => {
    const events = await collectEvents(crm.jetstream, Events.saleCompleted, tenant.tenantId);
    const l = await lead(tenant);
    const o = await opportunity(tenant, l.id);
    const sale = await sell(tenant, 'professional', {
      leadId: l.id,
      opportunityId: o.id,
      amount: 950_000.5,
      currency: 'USD',
      completedAt: '2026-03-01T12:00:00Z',
    });
    expect(sale).toEqual({
      id: expect.any(String),
      leadId: l.id,
      opportunityId: o.id,
      amount: 950_000.5,
      currency: 'USD',
      status: 'completed',
      completedAt: '2026-03-01T12:00:00.000Z',
      refundedAt: null,
      createdAt: expect.any(String),
    });
    const now = await sell(tenant, 'ceo', { leadId: l.id });
    expect(Math.abs(new Date(now.completedAt!).getTime() - Date.now())).toBeLessThan(10_000);
    await waitFor(() => events.length >= 2, { what: 'sale.completed' });
    await sleep(800);
    expect(events).toEqual([
      {
        tenantId: tenant.tenantId,
        saleId: sale.id,
        leadId: l.id,
        opportunityId: o.id,
        amount: 950_000.5,
        currency: 'USD',
        completedAt: '2026-03-01T12:00:00.000Z',
        updatedAt: expect.any(String),
      },
      expect.objectContaining({ saleId: now.id, opportunityId: null }),
    ]);
  });

  it('rejects bad amounts, currencies and dates with VALIDATION', async () => {
    const l = await lead(tenant);
    const base = { ...actor(tenant, 'ceo'), leadId: l.id, amount: 10, currency: 'MXN' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, amount: 0 }, 'amount must be greater than 0'],
      [{ ...base, amount: -1 }, 'amount must be greater than 0'],
      [{ ...base, amount: 1.001 }, 'amount must be a number with at most 2 decimals'],
      [{ ...base, amount: 1e13 }, 'amount must not be greater than'],
      [{ ...base, currency: 'PES' }, 'currency must be an ISO 4217 code'],
      [{ ...base, completedAt: 'ayer' }, 'completedAt must be an ISO 8601'],
      [{ ...base, opportunityId: 'x' }, 'opportunityId'],
    ];
    for (const [payload, message] of cases) {
      const error = await rpcError(crm.rpc.callInvalid(Rpc.crm.createSale, payload));
      expect(error.code).toBe('VALIDATION');
      expect(error.message).toContain(message);
    }
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const ahead = await rpcError(sell(tenant, 'ceo', { leadId: l.id, completedAt: future }));
    expect(ahead).toMatchObject({ code: 'VALIDATION', message: 'completedAt must not be in the future' });
    const [{ n }]: { n: number }[] = await crm.db.query(
      `SELECT count(*)::int AS n FROM crm.sales_transactions WHERE lead_id = $1`,
      [l.id],
    );
    expect(n).toBe(0);
  });

  it("refuses another lead's or tenant's opportunity, another tenant's lead and a lost opportunity", async () => {
    const l = await lead(tenant);
    const elsewhere = await opportunity(tenant, (await lead(tenant)).id);
    const mismatch = await rpcError(sell(tenant, 'ceo', { leadId: l.id, opportunityId: elsewhere.id }));
    expect(mismatch).toMatchObject({
      code: 'VALIDATION',
      message: 'the opportunity belongs to another lead',
      details: { field: 'opportunityId', leadId: elsewhere.leadId },
    });
    const foreignLead = await lead(other);
    const foreignOpportunity = await opportunity(other, foreignLead.id);
    expect((await rpcError(sell(tenant, 'ceo', { leadId: foreignLead.id }))).code).toBe('NOT_FOUND');
    const foreign = await rpcError(
      sell(tenant, 'ceo', { leadId: l.id, opportunityId: foreignOpportunity.id }),
    );
    expect(foreign).toMatchObject({ code: 'NOT_FOUND', message: 'opportunity not found' });

    const o = await opportunity(tenant, l.id);
    await crm.rpc.call(Rpc.crm.updateOpportunity, {
      ...actor(tenant, 'ceo'),
      opportunityId: o.id,
      status: 'lost',
      lostReason: 'Sin crédito',
    });
    const lost = await rpcError(sell(tenant, 'ceo', { leadId: l.id, opportunityId: o.id }));
    expect(lost).toMatchObject({
      code: 'CONFLICT',
      message: 'the opportunity is lost: reopen it before recording a sale',
    });
    const [{ n }]: { n: number }[] = await crm.db.query(
      `SELECT count(*)::int AS n FROM crm.sales_transactions WHERE tenant_id = $1 AND lead_id = $2`,
      [tenant.tenantId, l.id],
    );
    expect(n).toBe(0);
  });

  it('refunds once (sale.refunded exactly once), then refuses changes; a won opportunity with sales cannot be lost', async () => {
    const refunded = await collectEvents(crm.jetstream, Events.saleRefunded, tenant.tenantId);
    const l = await lead(tenant);
    const o = await opportunity(tenant, l.id);
    const sale = await sell(tenant, 'ceo', { leadId: l.id, opportunityId: o.id, amount: 100 });
    const blocked = await rpcError(
      crm.rpc.call(Rpc.crm.updateOpportunity, {
        ...actor(tenant, 'ceo'),
        opportunityId: o.id,
        status: 'lost',
        lostReason: 'Se arrepintió',
      }),
    );
    expect(blocked).toMatchObject({
      code: 'CONFLICT',
      message: 'opportunity has completed sales: refund them before marking it lost',
    });

    const corrected = await crm.rpc.call(Rpc.crm.updateSale, {
      ...actor(tenant, 'ceo'),
      saleId: sale.id,
      amount: 120.5,
      completedAt: '2026-03-02T00:00:00Z',
    });
    expect(corrected).toMatchObject({
      amount: 120.5,
      completedAt: '2026-03-02T00:00:00.000Z',
      status: 'completed',
    });
    const refund = await crm.rpc.call(Rpc.crm.updateSale, {
      ...actor(tenant, 'ceo'),
      saleId: sale.id,
      status: 'refunded',
    });
    expect(refund).toMatchObject({ status: 'refunded', refundedAt: expect.any(String), amount: 120.5 });
    const again = await rpcError(
      crm.rpc.call(Rpc.crm.updateSale, { ...actor(tenant, 'ceo'), saleId: sale.id, status: 'completed' }),
    );
    expect(again).toMatchObject({
      code: 'CONFLICT',
      message: 'the sale is refunded: a refunded sale cannot be changed',
    });
    await waitFor(() => refunded.length >= 1, { what: 'sale.refunded' });
    await sleep(800);
    expect(refunded).toEqual([
      {
        tenantId: tenant.tenantId,
        saleId: sale.id,
        leadId: l.id,
        opportunityId: o.id,
        amount: 120.5,
        currency: 'MXN',
        completedAt: '2026-03-02T00:00:00.000Z',
        refundedAt: refund.refundedAt,
        updatedAt: refund.refundedAt,
      },
    ]);
    const lost = await crm.rpc.call(Rpc.crm.updateOpportunity, {
      ...actor(tenant, 'ceo'),
      opportunityId: o.id,
      status: 'lost',
      lostReason: 'Se arrepintió',
    });
    expect(lost.status).toBe('lost');
    const foreign = await rpcError(
      crm.rpc.call(Rpc.crm.updateSale, { ...actor(other, 'ceo'), saleId: sale.id, amount: 1 }),
    );
    expect(foreign).toMatchObject({ code: 'NOT_FOUND', message: 'sale not found' });
  });

  it('takes a refunded sale out of the attribution revenue', async () => {
    const t = await createTestTenant(crm.db, 'Atribución con reembolso');
    const [metaLead]: { id: string }[] = await crm.db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, meta_campaign_id, meta_adset_id, meta_ad_id, created_at)
       VALUES ($1, 'Meta', $2, 'META_ADS', 'C1', 'S1', 'A1', '2026-03-01T10:00:00Z') RETURNING id`,
      [t.tenantId, randomPhone()],
    );
    const kept = await sell(t, 'ceo', {
      leadId: metaLead.id,
      amount: 1000,
      completedAt: '2026-03-03T00:00:00Z',
    });
    const undone = await sell(t, 'ceo', {
      leadId: metaLead.id,
      amount: 500,
      completedAt: '2026-03-04T00:00:00Z',
    });
    const summary = () =>
      crm.rpc.call(Rpc.crm.attributionSummary, {
        tenantId: t.tenantId,
        since: '2026-03-01T00:00:00Z',
        until: '2026-03-08T00:00:00Z',
      });
    expect((await summary()).rows).toEqual([
      expect.objectContaining({ metaAdId: 'A1', leads: 1, sales: 2, revenue: 1500 }),
    ]);
    await crm.rpc.call(Rpc.crm.updateSale, { ...actor(t, 'ceo'), saleId: undone.id, status: 'refunded' });
    expect(await summary()).toEqual({
      rows: [expect.objectContaining({ metaAdId: 'A1', leads: 1, sales: 1, revenue: 1000 })],
      salesCurrencies: ['MXN'],
    });
    expect(kept.status).toBe('completed');
  });

  describe('list and visibility by role', () => {
    let scoped: TestTenant;

    beforeAll(async () => {
      scoped = await createTestTenant(crm.db, 'Ventas por rol');
      const closerLead = await lead(scoped, 'closer');
      await sell(scoped, 'ceo', { leadId: closerLead.id, amount: 10, completedAt: '2026-03-01T00:00:00Z' });
      const setterLead = await lead(scoped);
      const setterOpportunity = await opportunity(scoped, setterLead.id, 'setter');
      const viaOpportunity = await sell(scoped, 'setter', {
        leadId: setterLead.id,
        opportunityId: setterOpportunity.id,
        amount: 20,
        completedAt: '2026-03-05T00:00:00Z',
      });
      await crm.rpc.call(Rpc.crm.updateSale, {
        ...actor(scoped, 'ceo'),
        saleId: viaOpportunity.id,
        status: 'refunded',
      });
      await sell(scoped, 'ceo', {
        leadId: (await lead(scoped)).id,
        amount: 30,
        completedAt: '2026-03-10T00:00:00Z',
      });
    });

    const amounts = async (role: Role, filter: Record<string, unknown> = {}) =>
      (await crm.rpc.call(Rpc.crm.listSales, { ...actor(scoped, role), ...filter })).items.map(
        (s) => s.amount,
      );

    it('lists newest completion first with filters; setter and closer see only theirs', async () => {
      expect(await amounts('ceo')).toEqual([30, 20, 10]);
      expect(await amounts('professional')).toEqual([30, 20, 10]);
      expect(await amounts('closer')).toEqual([10]);
      expect(await amounts('setter')).toEqual([20]);
      expect(await amounts('ceo', { status: 'refunded' })).toEqual([20]);
      expect(
        await amounts('ceo', { completedFrom: '2026-03-05T00:00:00Z', completedTo: '2026-03-10T00:00:00Z' }),
      ).toEqual([20]);
      const page = await crm.rpc.call(Rpc.crm.listSales, { ...actor(scoped, 'ceo'), page: 2, pageSize: 2 });
      expect(page).toMatchObject({
        total: 3,
        page: 2,
        pageSize: 2,
        items: [expect.objectContaining({ amount: 10 })],
      });
      const reversed = await rpcError(
        crm.rpc.call(Rpc.crm.listSales, {
          ...actor(scoped, 'ceo'),
          completedFrom: '2026-03-10T00:00:00Z',
          completedTo: '2026-03-01T00:00:00Z',
        }),
      );
      expect(reversed.message).toBe('completedFrom must be before completedTo');
    });

    it('a setter or closer cannot record or change sales of leads that are not theirs (NOT_FOUND)', async () => {
      const notTheirs = await lead(scoped, 'setter');
      const refused = await rpcError(sell(scoped, 'closer', { leadId: notTheirs.id }));
      expect(refused).toMatchObject({ code: 'NOT_FOUND', message: 'lead not found' });
      const mine = await sell(scoped, 'setter', { leadId: notTheirs.id, amount: 5 });
      const change = await rpcError(
        crm.rpc.call(Rpc.crm.updateSale, { ...actor(scoped, 'closer'), saleId: mine.id, status: 'refunded' }),
      );
      expect(change.code).toBe('NOT_FOUND');
      expect(await amounts('setter')).toEqual([5, 20]);
    });
  });
});
