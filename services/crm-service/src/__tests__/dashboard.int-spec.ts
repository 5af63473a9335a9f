import { Rpc, type Role } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import {
  actorOf,
  createTestTenant,
  randomPhone,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('crm-service: dashboard', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  /** Where this month starts in Tokyo (UTC+9, no DST), as an instant. */
  let monthStart: Date;
  let lastMonthStart: Date;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Tablero');
    other = await createTestTenant(crm.db, 'Otro tablero');
    await crm.db.query(`UPDATE crm.tenants SET timezone = 'Asia/Tokyo' WHERE id = $1`, [tenant.tenantId]);
    const [bounds]: { this_month: Date; last_month: Date }[] = await crm.db.query(
      `SELECT date_trunc('month', now() AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo' AS this_month,
              (date_trunc('month', now() AT TIME ZONE 'Asia/Tokyo') - interval '1 month') AT TIME ZONE 'Asia/Tokyo'
                AS last_month`,
    );
    monthStart = bounds.this_month;
    lastMonthStart = bounds.last_month;

    const { ceo, setter, closer } = tenant.users;
    const setterLead = await insertLead(tenant, { source: 'META_ADS', assignedTo: setter.id, daysAgo: 1 });
    const closerLead = await insertLead(tenant, { source: 'WEBSITE', assignedTo: closer.id, daysAgo: 29 });
    const ceoLead = await insertLead(tenant, { source: 'META_ADS', assignedTo: ceo.id, daysAgo: 2 });
    await insertLead(tenant, { source: 'MANUAL', assignedTo: null, daysAgo: 3 });
    await insertLead(tenant, { source: 'META_ADS', assignedTo: setter.id, daysAgo: 31 }); // too old

    // Pipeline: the setter owns one pending on the ceo's lead; the closer's lead has one won and one lost.
    await insertOpportunity(tenant, ceoLead, setter.id, 'pending', 1000, 'MXN');
    await insertOpportunity(tenant, ceoLead, ceo.id, 'pending', 500.5, 'MXN');
    await insertOpportunity(tenant, ceoLead, ceo.id, 'pending', 20, 'USD');
    const won = await insertOpportunity(tenant, closerLead, ceo.id, 'won', 3000, 'MXN');
    await insertOpportunity(tenant, closerLead, ceo.id, 'lost', 700, 'MXN');

    const minute = 60_000;
    // This month: 2 completed MXN (one of them a minute after the month began in Tokyo) + 1 USD.
    await insertSale(
      tenant,
      closerLead,
      won,
      'completed',
      3000,
      'MXN',
      new Date(monthStart.getTime() + minute),
    );
    await insertSale(tenant, setterLead, null, 'completed', 250.25, 'MXN', new Date(Date.now() - minute));
    await insertSale(tenant, ceoLead, null, 'completed', 40, 'USD', new Date(Date.now() - minute));
    // Not counted: refunded and pending this month, and one before last month.
    await insertSale(tenant, ceoLead, null, 'refunded', 999, 'MXN', new Date(Date.now() - minute));
    await insertSale(tenant, ceoLead, null, 'pending', 888, 'MXN', null);
    await insertSale(
      tenant,
      ceoLead,
      null,
      'completed',
      777,
      'MXN',
      new Date(lastMonthStart.getTime() - minute),
    );
    // Last month: a minute before this month began in Tokyo (already this month in UTC-6, last month in Tokyo).
    await insertSale(
      tenant,
      ceoLead,
      null,
      'completed',
      1200,
      'MXN',
      new Date(monthStart.getTime() - minute),
    );
    await insertSale(
      tenant,
      closerLead,
      null,
      'completed',
      300,
      'MXN',
      new Date(lastMonthStart.getTime() + minute),
    );

    // Another tenant's rows, which must never count.
    const foreign = await insertLead(other, {
      source: 'META_ADS',
      assignedTo: other.users.setter.id,
      daysAgo: 1,
    });
    const foreignOpportunity = await insertOpportunity(
      other,
      foreign,
      other.users.setter.id,
      'won',
      5,
      'MXN',
    );
    await insertSale(
      other,
      foreign,
      foreignOpportunity,
      'completed',
      5,
      'MXN',
      new Date(Date.now() - minute),
    );
  });

  afterAll(async () => {
    await crm.close();
  });

  async function insertLead(
    t: TestTenant,
    lead: { source: string; assignedTo: string | null; daysAgo: number },
  ): Promise<string> {
    const [{ id }]: { id: string }[] = await crm.db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, assigned_user_id, created_at)
       VALUES ($1, 'Lead', $2, $3, $4, $5) RETURNING id`,
      [t.tenantId, randomPhone(), lead.source, lead.assignedTo, new Date(Date.now() - lead.daysAgo * DAY_MS)],
    );
    return id;
  }

  async function insertOpportunity(
    t: TestTenant,
    leadId: string,
    ownerId: string,
    status: string,
    value: number,
    currency: string,
  ): Promise<string> {
    const [{ id }]: { id: string }[] = await crm.db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, status, owner_user_id)
       VALUES ($1, $2, 'Op', $3, $4, $5, $6) RETURNING id`,
      [t.tenantId, leadId, value, currency, status, ownerId],
    );
    return id;
  }

  async function insertSale(
    t: TestTenant,
    leadId: string,
    opportunityId: string | null,
    status: string,
    amount: number,
    currency: string,
    completedAt: Date | null,
  ): Promise<void> {
    await crm.db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, opportunity_id, amount, currency, status, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [t.tenantId, leadId, opportunityId, amount, currency, status, completedAt],
    );
  }

  const dashboard = (t: TestTenant, role: Role) => crm.rpc.call(Rpc.crm.dashboard, actorOf(t, role));

  it('answers the whole tenant to a ceo and a professional, months cut in the tenant timezone', async () => {
    const result = await dashboard(tenant, 'ceo');
    expect(result.scope).toBe('tenant');
    expect(result.timezone).toBe('Asia/Tokyo');
    expect(result.pipeline).toEqual([
      {
        status: 'pending',
        count: 3,
        totals: [
          { currency: 'MXN', value: 1500.5 },
          { currency: 'USD', value: 20 },
        ],
      },
      { status: 'won', count: 1, totals: [{ currency: 'MXN', value: 3000 }] },
      { status: 'lost', count: 1, totals: [{ currency: 'MXN', value: 700 }] },
    ]);
    expect(result.revenue).toEqual({
      thisMonth: {
        from: monthStart.toISOString(),
        to: expect.any(String),
        sales: 3,
        totals: [
          { currency: 'MXN', value: 3250.25 },
          { currency: 'USD', value: 40 },
        ],
      },
      lastMonth: {
        from: lastMonthStart.toISOString(),
        to: monthStart.toISOString(),
        sales: 2,
        totals: [{ currency: 'MXN', value: 1500 }],
      },
    });
    expect(new Date(result.revenue.thisMonth.to).getTime()).toBeGreaterThan(Date.now());
    expect(result.leads.total).toBe(4);
    expect(result.leads.bySource).toEqual([
      { source: 'META_ADS', count: 2 },
      { source: 'MANUAL', count: 1 },
      { source: 'WEBSITE', count: 1 },
    ]);
    const name = (role: Role) => `${role} ${tenant.tenantId.slice(0, 8)}`;
    expect(result.leads.bySeller).toEqual([
      { userId: tenant.users.ceo.id, name: name('ceo'), count: 1 },
      { userId: tenant.users.closer.id, name: name('closer'), count: 1 },
      { userId: tenant.users.setter.id, name: name('setter'), count: 1 },
      { userId: null, name: null, count: 1 },
    ]);
    expect(Date.now() - new Date(result.leads.since).getTime()).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(await dashboard(tenant, 'professional')).toEqual({
      ...result,
      leads: { ...result.leads, since: expect.any(String) },
    });
  });

  it('answers a setter and a closer only what they may see', async () => {
    const setter = await dashboard(tenant, 'setter');
    expect(setter.scope).toBe('own');
    expect(setter.pipeline.map((s) => [s.status, s.count, s.totals])).toEqual([
      ['pending', 1, [{ currency: 'MXN', value: 1000 }]],
      ['won', 0, []],
      ['lost', 0, []],
    ]);
    expect(setter.revenue.thisMonth).toMatchObject({
      sales: 1,
      totals: [{ currency: 'MXN', value: 250.25 }],
    });
    expect(setter.revenue.lastMonth).toMatchObject({ sales: 0, totals: [] });
    expect(setter.leads).toMatchObject({
      total: 1,
      bySource: [{ source: 'META_ADS', count: 1 }],
      bySeller: [{ userId: tenant.users.setter.id, count: 1 }],
    });

    const closer = await dashboard(tenant, 'closer');
    expect(closer.pipeline.map((s) => s.count)).toEqual([0, 1, 1]);
    expect(closer.revenue.thisMonth).toMatchObject({ sales: 1, totals: [{ currency: 'MXN', value: 3000 }] });
    expect(closer.revenue.lastMonth).toMatchObject({ sales: 1, totals: [{ currency: 'MXN', value: 300 }] });
    expect(closer.leads.bySource).toEqual([{ source: 'WEBSITE', count: 1 }]);
  });

  it('never counts another tenant’s rows, and answers zeros for a tenant without any', async () => {
    const foreign = await dashboard(other, 'ceo');
    expect(foreign.pipeline.map((s) => s.count)).toEqual([0, 1, 0]);
    expect(foreign.revenue.thisMonth.totals).toEqual([{ currency: 'MXN', value: 5 }]);
    expect(foreign.leads.total).toBe(1);
    const empty = await createTestTenant(crm.db, 'Vacío');
    const nothing = await dashboard(empty, 'ceo');
    expect(nothing.pipeline).toEqual([
      { status: 'pending', count: 0, totals: [] },
      { status: 'won', count: 0, totals: [] },
      { status: 'lost', count: 0, totals: [] },
    ]);
    expect(nothing.revenue.thisMonth).toMatchObject({ sales: 0, totals: [] });
    expect(nothing.leads).toMatchObject({ total: 0, bySource: [], bySeller: [] });
  });

  it('keeps the lead counts equal to a recount after inserts, edits, reassignments, moves and deletes', async () => {
    const kept = await createTestTenant(crm.db, 'Conteos');
    const { ceo, setter, closer } = kept.users;
    const ids: string[] = [];
    for (const [source, assignedTo, daysAgo] of [
      ['META_ADS', setter.id, 0],
      ['META_ADS', setter.id, 1],
      ['WEBSITE', closer.id, 5],
      ['MANUAL', null, 12],
      ['WHATSAPP', ceo.id, 29.9],
      ['REFERRAL', setter.id, 30.1],
      ['META_ADS', closer.id, 45],
    ] as const) {
      ids.push(await insertLead(kept, { source, assignedTo, daysAgo }));
    }
    // Several rows in one statement, like an import batch.
    await crm.db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, assigned_user_id, created_at)
       SELECT $1, 'Lote', '+52150' || lpad(g::text, 7, '0'), 'WEBSITE', $2, now() - g * interval '1 day'
         FROM generate_series(0, 40) AS g`,
      [kept.tenantId, setter.id],
    );
    const expectRecount = async (role: Role) => {
      const result = await dashboard(kept, role);
      const own = role === 'setter' ? setter.id : null;
      const recount: { by_source: boolean; lead_source: string | null; user_id: string | null; n: number }[] =
        await crm.db.query(
          `SELECT GROUPING(lead_source) = 0 AS by_source, lead_source, assigned_user_id AS user_id, count(*)::int AS n
             FROM crm.leads
            WHERE tenant_id = $1 AND created_at >= $2 AND ($3::uuid IS NULL OR assigned_user_id = $3)
            GROUP BY GROUPING SETS ((lead_source), (assigned_user_id))`,
          [kept.tenantId, result.leads.since, own],
        );
      const bySource = recount.filter((r) => r.by_source).map((r) => ({ source: r.lead_source, count: r.n }));
      const bySeller = recount.filter((r) => !r.by_source).map((r) => ({ userId: r.user_id, count: r.n }));
      const order = <T extends { count: number }>(rows: T[], key: (row: T) => string) =>
        [...rows].sort((a, b) => b.count - a.count || key(a).localeCompare(key(b)));
      expect(order(result.leads.bySource, (r) => r.source)).toEqual(order(bySource, (r) => r.source ?? ''));
      expect(
        order(
          result.leads.bySeller.map((r) => ({ userId: r.userId, count: r.count })),
          (r) => r.userId ?? '',
        ),
      ).toEqual(order(bySeller, (r) => r.userId ?? ''));
      expect(result.leads.total).toBe(bySource.reduce((sum, r) => sum + r.count, 0));
      return result.leads.total;
    };
    const expectKeptEqualsRecount = async () => {
      const differences = await crm.db.query(
        `SELECT day, lead_source, assigned_user_id, sum(n) FROM (
           SELECT day, lead_source, assigned_user_id, leads AS n FROM crm.lead_day_counts WHERE tenant_id = $1
           UNION ALL
           SELECT (created_at AT TIME ZONE 'UTC')::date, lead_source, assigned_user_id, -1 FROM crm.leads
            WHERE tenant_id = $1) both_sides
          GROUP BY 1, 2, 3 HAVING sum(n) <> 0`,
        [kept.tenantId],
      );
      expect(differences).toEqual([]);
      expect(await expectRecount('ceo')).toBeGreaterThan(0);
      await expectRecount('setter');
    };

    await expectKeptEqualsRecount();
    expect((await dashboard(kept, 'ceo')).leads.total).toBe(5 + 30);

    // An edit that moves no bucket writes none (no row version of any bucket changes: no lock for other writers).
    const bucketVersions = () =>
      crm.db.query(`SELECT xmin::text, leads FROM crm.lead_day_counts WHERE tenant_id = $1 ORDER BY 1`, [
        kept.tenantId,
      ]);
    const versionsBefore = await bucketVersions();
    await crm.db.query(`UPDATE crm.leads SET status = 'contactado', name = 'Otro' WHERE id = $1`, [ids[0]]);
    await crm.db.query(`UPDATE crm.leads SET tags = '{vip}' WHERE tenant_id = $1`, [kept.tenantId]);
    expect(await bucketVersions()).toEqual(versionsBefore);
    // A reassignment, a new source, a lead moved into and one out of the window.
    await crm.db.query(`UPDATE crm.leads SET assigned_user_id = $2 WHERE id = $1`, [ids[1], closer.id]);
    await crm.db.query(`UPDATE crm.leads SET assigned_user_id = NULL WHERE id = $1`, [ids[2]]);
    await crm.db.query(`UPDATE crm.leads SET lead_source = 'META_ADS' WHERE id = $1`, [ids[3]]);
    await crm.db.query(`UPDATE crm.leads SET created_at = now() - interval '3 days' WHERE id = $1`, [ids[6]]);
    await crm.db.query(`UPDATE crm.leads SET created_at = now() - interval '40 days' WHERE id = $1`, [
      ids[4],
    ]);
    // Many rows in one statement: every setter lead to the ceo.
    await crm.db.query(
      `UPDATE crm.leads SET assigned_user_id = $2 WHERE tenant_id = $1 AND assigned_user_id = $3`,
      [kept.tenantId, ceo.id, setter.id],
    );
    await expectKeptEqualsRecount();

    await crm.db.query(`DELETE FROM crm.leads WHERE id = ANY($1::uuid[])`, [[ids[0], ids[6]]]);
    await expectKeptEqualsRecount();
    expect((await dashboard(kept, 'ceo')).leads.total).toBe(5 + 30 - 2);
  });

  it('keeps a seller’s revenue equal to a recount after lead reassignments and opportunity owner changes', async () => {
    const kept = await createTestTenant(crm.db, 'Ventas propias');
    const { ceo, setter, closer } = kept.users;
    const now = new Date(Date.now() - 60_000);
    const setterLead = await insertLead(kept, { source: 'MANUAL', assignedTo: setter.id, daysAgo: 1 });
    const closerLead = await insertLead(kept, { source: 'MANUAL', assignedTo: closer.id, daysAgo: 1 });
    const ceoOpportunity = await insertOpportunity(kept, closerLead, ceo.id, 'won', 100, 'MXN');
    const closerOpportunity = await insertOpportunity(kept, setterLead, closer.id, 'won', 10, 'MXN');
    await insertSale(kept, setterLead, null, 'completed', 1, 'MXN', now);
    await insertSale(kept, closerLead, null, 'completed', 20, 'MXN', now);
    await insertSale(kept, closerLead, ceoOpportunity, 'completed', 300, 'MXN', now);
    await insertSale(kept, setterLead, closerOpportunity, 'completed', 4000, 'MXN', now);
    const recount = async (userId: string) => {
      const [row]: { n: number; amount: string | null }[] = await crm.db.query(
        `SELECT count(*)::int AS n, sum(s.amount)::text AS amount
           FROM crm.sales_transactions s
           JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
           LEFT JOIN crm.opportunities o ON o.tenant_id = s.tenant_id AND o.id = s.opportunity_id
          WHERE s.tenant_id = $1 AND s.status = 'completed' AND (o.owner_user_id = $2 OR l.assigned_user_id = $2)`,
        [kept.tenantId, userId],
      );
      return { sales: row.n, totals: row.amount ? [{ currency: 'MXN', value: Number(row.amount) }] : [] };
    };
    const expectRecount = async (role: 'setter' | 'closer', expected: number) => {
      const result = await dashboard(kept, role);
      const counted = await recount(kept.users[role].id);
      expect(result.revenue.thisMonth).toMatchObject(counted);
      expect(counted.sales).toBe(expected);
    };
    await expectRecount('setter', 2); // their lead's two sales
    await expectRecount('closer', 3); // their lead's two sales and their opportunity's

    // The closer's lead goes to the setter; the ceo's opportunity to the closer; the closer's to the setter.
    await crm.db.query(`UPDATE crm.leads SET assigned_user_id = $2 WHERE id = $1`, [closerLead, setter.id]);
    await crm.db.query(`UPDATE crm.opportunities SET owner_user_id = $2 WHERE id = $1`, [
      ceoOpportunity,
      closer.id,
    ]);
    await crm.db.query(`UPDATE crm.opportunities SET owner_user_id = $2 WHERE id = $1`, [
      closerOpportunity,
      setter.id,
    ]);
    await expectRecount('setter', 4);
    await expectRecount('closer', 1);
    // Nothing writes the kept columns by hand: they are recomputed from the lead and the opportunity.
    await crm.db.query(`UPDATE crm.sales_transactions SET lead_user_id = $2 WHERE tenant_id = $1`, [
      kept.tenantId,
      closer.id,
    ]);
    await expectRecount('closer', 1);
  });

  it('refuses a payload without a valid actor', async () => {
    const error = await rpcError(
      crm.rpc.callInvalid(Rpc.crm.dashboard, { tenantId: tenant.tenantId, actorRole: 'ceo' }),
    );
    expect(error.code).toBe('VALIDATION');
  });
});
