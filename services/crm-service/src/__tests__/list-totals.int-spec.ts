import { LIST_TOTAL_CAP, Rpc } from '@crm/contracts';
import { actorOf, createTestTenant, startCrmTestApp, type CrmTestApp, type TestTenant } from './crm-test-app';

// The beforeAll, without a timeout of its own, inserts one past the cap of leads, opportunities and sales.
jest.setTimeout(120_000);

/**
 * Every offset list of crm-service counts its matches up to `LIST_TOTAL_CAP` and says when there were more (one
 * past the cap is enough to know), like the leads list: opportunities, sales and clients.
 */
describe('crm-service: list totals stop at the cap', () => {
  const beyond = LIST_TOTAL_CAP + 1;
  let crm: CrmTestApp;
  let crowd: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    crowd = await createTestTenant(crm.db, 'Multitud');
    // One past the cap of each: leads, one opportunity each (every 5,000th won), one completed sale each.
    await crm.db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, created_at)
       SELECT $1, 'Cliente ' || g, '+52156' || lpad(g::text, 8, '0'), 'MANUAL', now() - g * interval '1 second'
         FROM generate_series(1, $2::int) g`,
      [crowd.tenantId, beyond],
    );
    await crm.db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, status, closed_at, owner_user_id)
       SELECT l.tenant_id, l.id, 'Casa', 1000, 'MXN', CASE WHEN l.name ~ '[05]000$' THEN 'won' ELSE 'pending' END,
              CASE WHEN l.name ~ '[05]000$' THEN now() END, $2
         FROM crm.leads l WHERE l.tenant_id = $1`,
      [crowd.tenantId, crowd.users.ceo.id],
    );
    await crm.db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, opportunity_id, amount, currency, status, completed_at)
       SELECT o.tenant_id, o.lead_id, o.id, 1000, 'MXN', 'completed', now() FROM crm.opportunities o
        WHERE o.tenant_id = $1`,
      [crowd.tenantId],
    );
  });

  afterAll(async () => {
    await crm.close();
  });

  const counted = (page: { total: number; totalCapped: boolean; items: unknown[] }) => [
    page.total,
    page.totalCapped,
    page.items.length,
  ];

  it('opportunities: capped with the flag beyond the cap, exact below it', async () => {
    const all = await crm.rpc.call(Rpc.crm.listOpportunities, { ...actorOf(crowd, 'ceo'), pageSize: 2 });
    expect(counted(all)).toEqual([LIST_TOTAL_CAP, true, 2]);
    const won = await crm.rpc.call(Rpc.crm.listOpportunities, { ...actorOf(crowd, 'ceo'), status: 'won' });
    expect(counted(won)).toEqual([2, false, 2]);
  });

  it('sales: capped with the flag beyond the cap, exact below it', async () => {
    const all = await crm.rpc.call(Rpc.crm.listSales, { ...actorOf(crowd, 'ceo'), pageSize: 2 });
    expect(counted(all)).toEqual([LIST_TOTAL_CAP, true, 2]);
    const [lead] = all.items;
    const one = await crm.rpc.call(Rpc.crm.listSales, { ...actorOf(crowd, 'ceo'), leadId: lead!.leadId });
    expect(counted(one)).toEqual([1, false, 1]);
  });

  it('clients: capped with the flag beyond the cap, exact below it', async () => {
    const all = await crm.rpc.call(Rpc.crm.listClients, { ...actorOf(crowd, 'ceo'), pageSize: 2 });
    expect(counted(all)).toEqual([LIST_TOTAL_CAP, true, 2]);
    const few = await crm.rpc.call(Rpc.crm.listClients, { ...actorOf(crowd, 'ceo'), search: 'Cliente 1000' });
    // 'Cliente 1000' and 'Cliente 10000', 'Cliente 10001'.
    expect(counted(few)).toEqual([3, false, 3]);
  });
});
