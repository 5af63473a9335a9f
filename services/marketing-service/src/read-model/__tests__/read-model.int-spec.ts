import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Events, Rpc, parseJsonText, type MarketingReport, type ReportView } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import {
  connectTenantToSandbox,
  ownerDatabaseUrl,
  RpcTestClient,
  startSandboxProcess,
  waitFor,
  type SandboxProcessDataset,
  type ServiceHandle,
} from '@crm/testing';
import { Client } from 'pg';
import {
  publishLeadAdsLead,
  seedTenantWithCeo,
  startCrmAndMetaAds,
  startMarketingInProcess,
} from '../../__tests__/marketing-test-support';
import { ReadModelService } from '../read-model.service';

/**
 * The read model against the REAL crm-service (its outbox publishes the events this service consumes), the REAL
 * meta-ads-service and the Meta sandbox, each a child process. CRM changes are made through crm-service: Lead Ads
 * leads arrive as `evt.meta.leadgen.received` (what meta-ads-service publishes for a Lead Ads webhook), everything
 * else through crm-service's RPCs. Expected facts are recounted with our own SQL over crm's raw tables.
 */

const DATABASE_URL = process.env.DATABASE_URL!;
const NATS_URL = process.env.NATS_URL!;
const APP_SECRET = 'read-model-int-spec-secret';
const TZ = 'America/Mexico_City';

// The beforeAll, without a timeout of its own, starts the sandbox and two service processes.
jest.setTimeout(120_000);

type Tenant = { tenantId: string; ceoId: string };
type FactKeyRow = {
  view: ReportView;
  day: string;
  ad: string | null;
  currency: string;
  leads: number;
  opportunities: number;
  won: number;
  lost: number;
  sales: number;
  sales_amount: string;
  refunds: number;
  refund_amount: string;
};

let sandboxUrl: string;
let sandbox: ServiceHandle;
let dataset: SandboxProcessDataset;
let crm: ServiceHandle;
let metaAds: ServiceHandle;
let marketing: INestApplication;
let rpc: RpcTestClient;
let jetstream: JetStreamService;
let db: Client;
let counter = 0;

const phone = () => `+52133${String(++counter).padStart(8, '0')}`;

const seedTenant = (timezone = TZ, currency = 'MXN'): Promise<Tenant> =>
  seedTenantWithCeo(db, { name: 'Read model IT', currency, timezone });

const actor = (t: Tenant) => ({ tenantId: t.tenantId, actorUserId: t.ceoId, actorRole: 'ceo' as const });

/** A Lead Ads lead as meta-ads-service announces it; crm-service creates the lead and emits `lead.created`. */
const leadAdsLead = (t: Tenant, adId: string | null): Promise<string> =>
  publishLeadAdsLead(db, jetstream, t.tenantId, adId, phone());

/** Our own recount of both views from crm's raw tables, per day (in `timezone`), ad and currency. */
async function recount(tenantId: string, timezone: string): Promise<FactKeyRow[]> {
  const { rows } = await db.query(
    `WITH meta AS (
       SELECT id, meta_ad_id AS ad, (created_at AT TIME ZONE $2)::date AS lead_day
         FROM crm.leads WHERE tenant_id = $1 AND lead_source = 'META_ADS'
     ), facts AS (
       SELECT v.view, m.lead_day AS day, m.ad, '' AS currency, 1 AS leads, 0 AS opportunities, 0 AS won, 0 AS lost,
              0 AS sales, 0::numeric AS sales_amount, 0 AS refunds, 0::numeric AS refund_amount
         FROM meta m CROSS JOIN (VALUES ('period'), ('cohort')) v(view)
       UNION ALL
       SELECT v.view, CASE v.view WHEN 'period' THEN (o.created_at AT TIME ZONE $2)::date ELSE m.lead_day END, m.ad,
              '', 0, 1, 0, 0, 0, 0, 0, 0
         FROM crm.opportunities o JOIN meta m ON m.id = o.lead_id CROSS JOIN (VALUES ('period'), ('cohort')) v(view)
        WHERE o.tenant_id = $1
       UNION ALL
       SELECT v.view, CASE v.view WHEN 'period' THEN (o.closed_at AT TIME ZONE $2)::date ELSE m.lead_day END, m.ad,
              '', 0, 0, (o.status = 'won')::int, (o.status = 'lost')::int, 0, 0, 0, 0
         FROM crm.opportunities o JOIN meta m ON m.id = o.lead_id CROSS JOIN (VALUES ('period'), ('cohort')) v(view)
        WHERE o.tenant_id = $1 AND o.status IN ('won', 'lost')
       UNION ALL
       SELECT v.view, CASE v.view WHEN 'period' THEN (s.completed_at AT TIME ZONE $2)::date ELSE m.lead_day END,
              m.ad, s.currency, 0, 0, 0, 0, 1, s.amount, 0, 0
         FROM crm.sales_transactions s JOIN meta m ON m.id = s.lead_id
        CROSS JOIN (VALUES ('period'), ('cohort')) v(view)
        WHERE s.tenant_id = $1 AND s.status = 'completed'
       UNION ALL
       SELECT v.view, CASE v.view WHEN 'period' THEN (s.refunded_at AT TIME ZONE $2)::date ELSE m.lead_day END,
              m.ad, s.currency, 0, 0, 0, 0, 0, 0, 1, s.amount
         FROM crm.sales_transactions s JOIN meta m ON m.id = s.lead_id
        CROSS JOIN (VALUES ('period'), ('cohort')) v(view)
        WHERE s.tenant_id = $1 AND s.status = 'refunded'
     )
     SELECT view, to_char(day, 'YYYY-MM-DD') AS day, ad, currency, sum(leads)::int AS leads,
            sum(opportunities)::int AS opportunities, sum(won)::int AS won, sum(lost)::int AS lost,
            sum(sales)::int AS sales, sum(sales_amount)::numeric(16, 2)::text AS sales_amount,
            sum(refunds)::int AS refunds, sum(refund_amount)::numeric(16, 2)::text AS refund_amount
       FROM facts GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3 NULLS FIRST, 4`,
    [tenantId, timezone],
  );
  return rows as FactKeyRow[];
}

/** The read model's facts, without rows that were added and taken back to zero. */
async function readModel(tenantId: string): Promise<FactKeyRow[]> {
  const { rows } = await db.query(
    `SELECT view, to_char(day, 'YYYY-MM-DD') AS day, meta_ad_id AS ad, currency, leads, opportunities, won, lost,
            sales, sales_amount::text, refunds, refund_amount::text
       FROM marketing.attribution_daily
      WHERE tenant_id = $1
        AND (leads, opportunities, won, lost, sales, refunds) <> (0, 0, 0, 0, 0, 0)
      ORDER BY 1, 2, 3 NULLS FIRST, 4`,
    [tenantId],
  );
  return rows as FactKeyRow[];
}

/** The roll-ups hold exactly the sums of the daily facts (rows where something is left, in both). */
async function expectRollupsOfDaily(tenantId: string): Promise<void> {
  const measures = `sum(leads)::int, sum(opportunities)::int, sum(won)::int, sum(lost)::int, sum(sales)::int,
    sum(sales_amount)::text, sum(refunds)::int, sum(refund_amount)::text`;
  const nonZero = `HAVING (sum(leads), sum(opportunities), sum(won), sum(lost), sum(sales), sum(refunds))
    <> (0, 0, 0, 0, 0, 0)`;
  const query = async (sql: string) => (await db.query(sql, [tenantId])).rows;
  expect(
    await query(`SELECT view, to_char(month, 'YYYY-MM') AS m, meta_ad_id, currency, ${measures}
                   FROM marketing.attribution_monthly WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4 ${nonZero}
                  ORDER BY 1, 2, 3 NULLS FIRST, 4`),
  ).toEqual(
    await query(`SELECT view, to_char(day, 'YYYY-MM') AS m, meta_ad_id, currency, ${measures}
                   FROM marketing.attribution_daily WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4 ${nonZero}
                  ORDER BY 1, 2, 3 NULLS FIRST, 4`),
  );
  expect(
    await query(`SELECT view, day, currency, ${measures} FROM marketing.attribution_day_totals
                  WHERE tenant_id = $1 GROUP BY 1, 2, 3 ${nonZero} ORDER BY 1, 2, 3`),
  ).toEqual(
    await query(`SELECT view, day, currency, ${measures} FROM marketing.attribution_daily
                  WHERE tenant_id = $1 GROUP BY 1, 2, 3 ${nonZero} ORDER BY 1, 2, 3`),
  );
}

async function settled(tenantId: string): Promise<FactKeyRow[]> {
  const expected = await recount(tenantId, TZ);
  await waitFor(async () => JSON.stringify(await readModel(tenantId)) === JSON.stringify(expected), {
    timeoutMs: 30_000,
    what: 'the read model to match the recount',
  }).catch(async (error: unknown) => {
    expect(await readModel(tenantId)).toEqual(expected); // shows the difference
    throw error;
  });
  return expected;
}

async function sandboxRequests(path: string): Promise<number> {
  const response = await fetch(`${sandboxUrl}/_sandbox/requests?path=${encodeURIComponent(path)}`);
  return ((await response.json()) as { count: number }).count;
}

beforeAll(async () => {
  db = new Client({ connectionString: ownerDatabaseUrl() });
  await db.connect();
  // Every Graph call takes 200 ms, so concurrent cold reports really overlap.
  ({
    handle: sandbox,
    url: sandboxUrl,
    dataset,
  } = await startSandboxProcess(APP_SECRET, { SANDBOX_LATENCY_MS: '200' }));
  ({ crm, metaAds } = await startCrmAndMetaAds({
    graphUrl: sandboxUrl,
    appId: dataset.ids.appId,
    appSecret: APP_SECRET,
  }));
  marketing = await startMarketingInProcess({
    JETSTREAM_BACKOFF_BASE_MS: 100,
    JETSTREAM_BACKOFF_MAX_MS: 1000,
  });
  rpc = new RpcTestClient(NATS_URL);
  jetstream = new JetStreamService();
  await jetstream.connect(NATS_URL, 'read-model-int-spec');
});

afterAll(async () => {
  await jetstream?.onApplicationShutdown();
  await rpc?.close();
  await marketing?.close();
  await Promise.allSettled([crm?.stop(), metaAds?.stop(), sandbox?.stop()]);
  await db?.end();
});

describe('marketing read model (real crm-service events)', () => {
  let tenant: Tenant;
  let adA: string;
  let adB: string;

  beforeAll(async () => {
    tenant = await seedTenant();
    [adA, adB] = dataset.ads.map((ad) => ad.adId);
  });

  it('matches a recount from crm tables in both views after leads, wins, losses, sales, a refund and corrections', async () => {
    const first = await leadAdsLead(tenant, adA);
    const second = await leadAdsLead(tenant, adA);
    const third = await leadAdsLead(tenant, adB);
    const noAd = await leadAdsLead(tenant, null);
    const walkIn = await rpc.call(Rpc.crm.createLead, {
      tenantId: tenant.tenantId,
      name: 'Walk-in',
      phone: phone(),
      leadSource: 'MANUAL',
    });

    const opportunity = (leadId: string, title: string) =>
      rpc.call(Rpc.crm.createOpportunity, { ...actor(tenant), leadId, title, value: 1000, currency: 'MXN' });
    const won = await opportunity(first, 'Won');
    await opportunity(first, 'Pending');
    const lost = await opportunity(third, 'Lost');
    await opportunity(noAd, 'Unattributed');
    await rpc.call(Rpc.crm.updateOpportunity, { ...actor(tenant), opportunityId: won.id, status: 'won' });
    await rpc.call(Rpc.crm.updateOpportunity, {
      ...actor(tenant),
      opportunityId: lost.id,
      status: 'lost',
      lostReason: 'Precio',
    });

    const sell = (leadId: string, amount: number, currency: string, daysAgo = 0, opportunityId?: string) =>
      rpc.call(Rpc.crm.createSale, {
        ...actor(tenant),
        leadId,
        opportunityId,
        amount,
        currency,
        completedAt: new Date(Date.now() - daysAgo * 86_400_000 - 60_000).toISOString(),
      });
    await sell(first, 1500.5, 'MXN', 0, won.id);
    const corrected = await sell(first, 50, 'USD', 3);
    const refunded = await sell(second, 300, 'MXN', 1);
    await sell(noAd, 99.99, 'MXN');
    await sell(walkIn.id, 5000, 'MXN'); // not a Meta lead: never counted
    await rpc.call(Rpc.crm.updateSale, { ...actor(tenant), saleId: refunded.id, status: 'refunded' });
    // Moved to another currency, amount and day (sale.updated).
    await rpc.call(Rpc.crm.updateSale, {
      ...actor(tenant),
      saleId: corrected.id,
      currency: 'EUR',
      amount: 45,
      completedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });

    const expected = await settled(tenant.tenantId);
    await expectRollupsOfDaily(tenant.tenantId);
    const cohort = expected.filter((row) => row.view === 'cohort');
    const sum = (rows: FactKeyRow[], key: 'leads' | 'sales' | 'refunds') =>
      rows.reduce((n, r) => n + r[key], 0);
    expect(sum(cohort, 'leads')).toBe(4);
    expect(sum(cohort, 'sales')).toBe(3);
    expect(sum(cohort, 'refunds')).toBe(1);
    expect(expected).toContainEqual(
      expect.objectContaining({ view: 'cohort', ad: adA, currency: 'EUR', sales: 1, sales_amount: '45.00' }),
    );
    expect(expected.some((row) => row.currency === 'USD')).toBe(false);
    expect(expected).toContainEqual(expect.objectContaining({ view: 'period', ad: null, leads: 1 }));
  });

  it('a rebuild from crm-service gives exactly what the events gave', async () => {
    const before = await readModel(tenant.tenantId);
    expect(before.length).toBeGreaterThan(0);
    await db.query(`UPDATE marketing.attribution_daily SET leads = leads + 7 WHERE tenant_id = $1`, [
      tenant.tenantId,
    ]);
    const result = await marketing.get(ReadModelService).rebuild(tenant.tenantId);
    expect(result).toMatchObject({ leads: 4, opportunities: 4, sales: 4 });
    expect(await readModel(tenant.tenantId)).toEqual(before);
    await expectRollupsOfDaily(tenant.tenantId);
  });

  it('a rebuild in pages of one lead gives the rows of one big page and sweeps what the CRM lacks', async () => {
    const service = marketing.get(ReadModelService);
    const big = await service.rebuild(tenant.tenantId, { pageSize: 1000 });
    const once = await readModel(tenant.tenantId);
    expect(once).toEqual(await recount(tenant.tenantId, TZ));
    // A state row the CRM does not have (a lead deleted long ago), and drifted facts.
    const ghost = randomUUID();
    await db.query(
      `INSERT INTO marketing.attribution_leads (tenant_id, lead_id, is_meta, meta_ad_id, created_at, version)
       VALUES ($1, $2, true, 'ghost-ad', now() - interval '2 days', now() - interval '2 days')`,
      [tenant.tenantId, ghost],
    );
    await db.query(`UPDATE marketing.attribution_daily SET won = won + 3 WHERE tenant_id = $1`, [
      tenant.tenantId,
    ]);
    const pages: number[] = [];
    const small = await service.rebuild(tenant.tenantId, { pageSize: 1, onPage: (n) => pages.push(n) });
    expect(pages).toEqual([1, 2, 3, 4, 4]); // four pages of one lead, then the empty last one
    expect(small).toMatchObject({ leads: big.leads, opportunities: big.opportunities, sales: big.sales });
    expect(await readModel(tenant.tenantId)).toEqual(once);
    const { rows } = await db.query(
      `SELECT 1 FROM marketing.attribution_leads WHERE tenant_id = $1 AND lead_id = $2`,
      [tenant.tenantId, ghost],
    );
    expect(rows).toEqual([]);
    await expectRollupsOfDaily(tenant.tenantId);
  });

  it('loses and double-counts nothing when CRM changes land while a rebuild reads its pages', async () => {
    const service = marketing.get(ReadModelService);
    const { rows } = await db.query(
      `SELECT id FROM crm.leads WHERE tenant_id = $1 AND lead_source = 'META_ADS' ORDER BY id`,
      [tenant.tenantId],
    );
    const [firstPage, lastPage] = [rows[0].id as string, rows[rows.length - 1].id as string];
    const before = (await recount(tenant.tenantId, TZ)).filter((r) => r.view === 'cohort');
    const opportunities = before.reduce((n, r) => n + r.opportunities, 0);
    const changes: Promise<unknown>[] = [];
    await service.rebuild(tenant.tenantId, {
      pageSize: 1,
      // After the first page is stored: a change to a lead already stored and one to a lead not read yet.
      onPage: (n) => {
        if (n !== 1) return;
        for (const leadId of [firstPage, lastPage]) {
          changes.push(
            rpc.call(Rpc.crm.createOpportunity, {
              ...actor(tenant),
              leadId,
              title: 'During the rebuild',
              value: 10,
              currency: 'MXN',
            }),
          );
        }
      },
    });
    await Promise.all(changes);
    const expected = await settled(tenant.tenantId);
    expect(expected.filter((r) => r.view === 'cohort').reduce((n, r) => n + r.opportunities, 0)).toBe(
      opportunities + 2,
    );
    await expectRollupsOfDaily(tenant.tenantId);
  });

  it('applies events in any order and any number of times with the same result', async () => {
    const service = marketing.get(ReadModelService);
    const other = await seedTenant();
    const ids = { lead: randomUUID(), opportunity: randomUUID(), sale: randomUUID() };
    const t0 = new Date('2026-05-01T17:00:00Z').getTime();
    const iso = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    const base = { tenantId: other.tenantId, leadId: ids.lead };
    const opportunity = {
      ...base,
      opportunityId: ids.opportunity,
      title: 'Deal',
      value: 10,
      currency: 'MXN',
      deadline: null,
      ownerId: null,
    };
    const sale = { ...base, saleId: ids.sale, opportunityId: ids.opportunity, amount: 800, currency: 'MXN' };
    const events: (() => Promise<void>)[] = [
      () =>
        service.onSale(
          { ...sale, completedAt: iso(60), refundedAt: iso(3 * 1440), updatedAt: iso(3 * 1440) },
          'refunded',
        ),
      () => service.onSale({ ...sale, completedAt: iso(60), updatedAt: iso(60) }, 'completed'),
      () =>
        service.onOpportunity({
          ...opportunity,
          status: 'won',
          closedAt: iso(50),
          createdAt: iso(10),
          updatedAt: iso(50),
        }),
      () =>
        service.onOpportunity({ ...opportunity, status: 'pending', createdAt: iso(10), updatedAt: iso(10) }),
      () =>
        service.onLeadCreated({
          ...base,
          name: 'Out of order',
          phone: phone(),
          status: 'nuevo',
          leadSource: 'META_ADS',
          createdAt: iso(0),
          metaAdId: 'ad-x',
        }),
    ];
    for (const apply of events) await apply();
    const once = await readModel(other.tenantId);
    for (const apply of [...events].reverse()) await apply();
    await Promise.all(events.map((apply) => apply()));
    expect(await readModel(other.tenantId)).toEqual(once);
    await expectRollupsOfDaily(other.tenantId);
    const cohort = (day: string) => ({ view: 'cohort', day, ad: 'ad-x' });
    expect(once).toEqual([
      expect.objectContaining({ ...cohort('2026-05-01'), currency: '', leads: 1, opportunities: 1, won: 1 }),
      expect.objectContaining({
        ...cohort('2026-05-01'),
        currency: 'MXN',
        sales: 0,
        refunds: 1,
        refund_amount: '800.00',
      }),
      expect.objectContaining({
        view: 'period',
        day: '2026-05-01',
        currency: '',
        leads: 1,
        opportunities: 1,
        won: 1,
      }),
      expect.objectContaining({ view: 'period', day: '2026-05-04', currency: 'MXN', refunds: 1 }),
    ]);
  });

  it("never reads another tenant's rows (row-level security)", async () => {
    const stranger = await seedTenant();
    const report = parseJsonText(
      await rpc.call(Rpc.marketing.report, { tenantId: stranger.tenantId, preset: 'last_30d' }),
    );
    expect(report.kpis).toMatchObject({ leads: 0, sales: 0, opportunities: 0 });
    const app = new Client({ connectionString: DATABASE_URL });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [stranger.tenantId]);
      for (const table of [
        'attribution_daily',
        'attribution_leads',
        'attribution_sales',
        'read_model_tenants',
      ]) {
        const { rows } = await app.query(
          `SELECT count(*)::int AS n FROM marketing.${table} WHERE tenant_id = $1`,
          [tenant.tenantId],
        );
        expect({ table, n: rows[0].n }).toEqual({ table, n: 0 });
      }
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  describe('with Meta connected', () => {
    let connected: Tenant;

    beforeAll(async () => {
      connected = await seedTenant('Asia/Tokyo');
      const status = await connectTenantToSandbox(rpc, sandboxUrl, connected.tenantId, dataset.ids);
      expect(status.adAccount).toMatchObject({ timezone: TZ });
      await leadAdsLead(connected, adA);
    });

    afterAll(async () => {
      await rpc.call(Rpc.meta.disconnect, { tenantId: connected.tenantId }).catch(() => undefined);
    });

    it('5 concurrent cold reports make one set of Meta insights calls (single flight)', async () => {
      const range = { preset: 'custom' as const, since: '2026-01-01', until: '2026-01-31' };
      await fetch(`${sandboxUrl}/_sandbox/requests/clear`, { method: 'POST' });
      const one = parseJsonText(
        await rpc.call(Rpc.marketing.report, { tenantId: connected.tenantId, ...range }, 30_000),
      );
      const perReport = await sandboxRequests('/insights');
      expect(perReport).toBe(2); // ads for the range + the account's spend per day

      await fetch(`${sandboxUrl}/_sandbox/requests/clear`, { method: 'POST' });
      const cold = { preset: 'custom' as const, since: '2026-02-01', until: '2026-02-28' };
      const reports = await Promise.all(
        Array.from({ length: 5 }, async () =>
          parseJsonText(
            await rpc.call(Rpc.marketing.report, { tenantId: connected.tenantId, ...cold }, 30_000),
          ),
        ),
      );
      expect(await sandboxRequests('/insights')).toBe(perReport);
      for (const report of reports) expect(report).toEqual(reports[0]);
      expect(reports[0].kpis.spend).toBeGreaterThan(0);
      expect(one.range).toMatchObject({ since: '2026-01-01', timezone: TZ });
    });

    it('re-buckets the facts in the ad account timezone when it differs from the one they were bucketed in', async () => {
      const { rows } = await db.query(
        `SELECT timezone FROM marketing.read_model_tenants WHERE tenant_id = $1`,
        [connected.tenantId],
      );
      expect(rows).toEqual([{ timezone: TZ }]);
      await db.query(`UPDATE marketing.read_model_tenants SET timezone = 'Asia/Tokyo' WHERE tenant_id = $1`, [
        connected.tenantId,
      ]);
      const report = parseJsonText(
        await rpc.call(Rpc.marketing.report, { tenantId: connected.tenantId, preset: 'last_7d' }, 30_000),
      );
      expect(report.range.timezone).toBe(TZ);
      expect(report.kpis.leads).toBe(1);
      const after = await db.query(`SELECT timezone FROM marketing.read_model_tenants WHERE tenant_id = $1`, [
        connected.tenantId,
      ]);
      expect(after.rows).toEqual([{ timezone: TZ }]);
      expect(await readModel(connected.tenantId)).toEqual(await recount(connected.tenantId, TZ));
    });
  });
  describe('a lead attributed to an ad after it was created (lead.attributed)', () => {
    let late: Tenant;
    let leadId: string;
    let leadPhone: string;
    let adId: string;

    beforeAll(async () => {
      late = await seedTenant();
      const status = await connectTenantToSandbox(rpc, sandboxUrl, late.tenantId, dataset.ids);
      expect(status.adAccount).toMatchObject({ timezone: TZ });
      adId = dataset.ads[0].adId;
    });

    afterAll(async () => {
      await rpc.call(Rpc.meta.disconnect, { tenantId: late.tenantId }).catch(() => undefined);
    });

    const adRow = (report: MarketingReport) =>
      report.campaigns.flatMap((c) => c.ads).find((ad) => ad.adId === adId);

    /** Until crm-service has given the lead the ad (the read model is then compared with a recount). */
    async function crmAttributed(id: string): Promise<void> {
      await waitFor(
        async () =>
          (
            await db.query(
              `SELECT 1 FROM crm.leads WHERE tenant_id = $1 AND id = $2 AND lead_source = 'META_ADS' AND meta_ad_id = $3`,
              [late.tenantId, id, adId],
            )
          ).rowCount === 1,
        { what: `crm-service to attribute lead ${id}` },
      );
    }

    /** The CRM's events of the lead, as its outbox published them (oldest first). */
    async function publishedEvents(): Promise<{ subject: string; payload: Record<string, unknown> }[]> {
      const { rows } = await db.query(
        `SELECT subject, payload FROM crm.outbox
          WHERE tenant_id = $1 AND payload->>'leadId' = $2 ORDER BY created_at`,
        [late.tenantId, leadId],
      );
      return rows as { subject: string; payload: Record<string, unknown> }[];
    }

    it('moves a hand-typed lead with its won opportunity and sale to the CTWA ad its phone later came from, in both views', async () => {
      leadPhone = phone();
      const lead = await rpc.call(Rpc.crm.createLead, {
        tenantId: late.tenantId,
        name: 'Typed in first',
        phone: leadPhone,
        leadSource: 'MANUAL',
      });
      leadId = lead.id;
      const opportunity = await rpc.call(Rpc.crm.createOpportunity, {
        ...actor(late),
        leadId,
        title: 'Deal',
        value: 1200,
        currency: 'MXN',
      });
      await rpc.call(Rpc.crm.updateOpportunity, {
        ...actor(late),
        opportunityId: opportunity.id,
        status: 'won',
      });
      const sale = await rpc.call(Rpc.crm.createSale, {
        ...actor(late),
        leadId,
        opportunityId: opportunity.id,
        amount: 1200,
        currency: 'MXN',
      });
      // The read model has the (non-Meta) lead, its opportunity and its sale, and counts nothing of them.
      await waitFor(
        async () =>
          (
            await db.query(
              `SELECT 1 FROM marketing.attribution_sales s JOIN marketing.attribution_opportunities o
                   ON o.tenant_id = s.tenant_id AND o.opportunity_id = s.opportunity_id AND o.status = 'won'
                 JOIN marketing.attribution_leads l ON l.tenant_id = s.tenant_id AND l.lead_id = s.lead_id
                WHERE s.tenant_id = $1 AND s.sale_id = $2`,
              [late.tenantId, sale.id],
            )
          ).rowCount === 1,
        { what: 'the read model to have the lead, its won opportunity and its sale' },
      );
      expect(await readModel(late.tenantId)).toEqual([]);

      // The same phone writes from a Click-to-WhatsApp ad (what meta-ads-service publishes for the webhook).
      const wamid = `wamid.${randomUUID()}`;
      await jetstream.publish(
        Events.whatsappInbound,
        {
          tenantId: late.tenantId,
          wamid,
          phoneNumberId: dataset.ids.phoneNumberIds[0],
          from: leadPhone,
          timestamp: new Date().toISOString(),
          text: 'Vi su anuncio',
          referral: { sourceId: adId, sourceType: 'ad', ctwaClid: `clid-${wamid}` },
          attribution: { adId, campaignId: dataset.ads[0].campaignId },
        },
        `wa-in:${wamid}`,
      );
      await crmAttributed(leadId);
      const expected = await settled(late.tenantId);
      const counted = { ad: adId, currency: '', leads: 1, opportunities: 1, won: 1 };
      const money = { ad: adId, currency: 'MXN', sales: 1, sales_amount: '1200.00' };
      for (const view of ['period', 'cohort'] as const) {
        expect(expected).toContainEqual(expect.objectContaining({ view, ...counted }));
        expect(expected).toContainEqual(expect.objectContaining({ view, ...money }));
        const report = parseJsonText(
          await rpc.call(Rpc.marketing.report, { tenantId: late.tenantId, preset: 'last_7d', view }, 30_000),
        );
        expect(adRow(report)).toMatchObject({ leads: 1, opportunities: 1, won: 1, sales: 1 });
        expect(report.unattributed).toMatchObject({ leads: 0, sales: 0 });
      }
      const attributed = (await publishedEvents()).filter((e) => e.subject === Events.leadAttributed);
      expect(attributed).toEqual([
        {
          subject: Events.leadAttributed,
          payload: expect.objectContaining({
            leadId,
            channel: 'whatsapp_ad',
            metaAdId: adId,
            opportunities: [expect.objectContaining({ opportunityId: opportunity.id, status: 'won' })],
            sales: [expect.objectContaining({ saleId: sale.id, amount: 1200, status: 'completed' })],
          }),
        },
      ]);
    });

    it('gives the same facts whatever order and however often the events arrive', async () => {
      const service = marketing.get(ReadModelService);
      const events = await publishedEvents();
      const once = await readModel(late.tenantId);
      /** One of the lead's events, as the consumer of its subject applies it, for `tenantId`. */
      const apply = ({ subject, payload }: (typeof events)[number], tenantId: string): Promise<void> => {
        const event = { ...payload, tenantId } as never;
        switch (subject) {
          case Events.leadCreated:
            return service.onLeadCreated(event);
          case Events.leadAttributed:
            return service.onLeadAttributed(event);
          case Events.opportunityCreated:
          case Events.opportunityUpdated:
          case Events.opportunityWon:
            return service.onOpportunity(event);
          case Events.saleCompleted:
            return service.onSale(event, 'completed');
          default:
            return Promise.resolve(); // lead.assigned and the like: not the read model's
        }
      };
      // Redelivered, then the older lead.created once more after the attribution: nothing changes.
      for (const event of [...events, ...[...events].reverse()]) await apply(event, late.tenantId);
      expect(await readModel(late.tenantId)).toEqual(once);

      // Into an empty tenant: the attribution first, then everything older, then all of it at once.
      const other = await seedTenant();
      const attributedFirst = [
        ...events.filter((e) => e.subject === Events.leadAttributed),
        ...events.filter((e) => e.subject !== Events.leadAttributed).reverse(),
      ];
      for (const event of attributedFirst) await apply(event, other.tenantId);
      expect(await readModel(other.tenantId)).toEqual(once);
      // Only the lead (before its opportunity and sale events): they still count, from the attribution's copy.
      const third = await seedTenant();
      await Promise.all(
        events.filter((e) => e.subject === Events.leadAttributed).map((e) => apply(e, third.tenantId)),
      );
      expect(await readModel(third.tenantId)).toEqual(once);
      await Promise.all(events.map((event) => apply(event, third.tenantId)));
      expect(await readModel(third.tenantId)).toEqual(once);
      await expectRollupsOfDaily(third.tenantId);
    });

    it('a rebuild gives the same numbers, and a later attribution counts the rows a rebuild dropped', async () => {
      const before = await readModel(late.tenantId);
      await marketing.get(ReadModelService).rebuild(late.tenantId, { pageSize: 1 });
      expect(await readModel(late.tenantId)).toEqual(before);

      // A second hand-typed lead with a sale; a rebuild keeps only Meta leads, so it drops them from the state...
      const second = await rpc.call(Rpc.crm.createLead, {
        tenantId: late.tenantId,
        name: 'Typed in too',
        phone: phone(),
        leadSource: 'MANUAL',
      });
      const sale = await rpc.call(Rpc.crm.createSale, {
        ...actor(late),
        leadId: second.id,
        amount: 300,
        currency: 'MXN',
      });
      await waitFor(
        async () =>
          (
            await db.query(
              `SELECT 1 FROM marketing.attribution_sales WHERE tenant_id = $1 AND sale_id = $2`,
              [late.tenantId, sale.id],
            )
          ).rowCount === 1,
        { what: 'the read model to have the sale' },
      );
      // Stored long enough ago for a rebuild to drop them (it keeps what changed during its clock-skew margin).
      for (const table of ['attribution_leads', 'attribution_sales']) {
        await db.query(
          `UPDATE marketing.${table} SET version = version - interval '1 hour' WHERE tenant_id = $1 AND lead_id = $2`,
          [late.tenantId, second.id],
        );
      }
      await marketing.get(ReadModelService).rebuild(late.tenantId);
      const dropped = await db.query(
        `SELECT 1 FROM marketing.attribution_sales WHERE tenant_id = $1 AND sale_id = $2`,
        [late.tenantId, sale.id],
      );
      expect(dropped.rowCount).toBe(0);
      // ...and a Lead Ads form with its phone later brings the lead and its sale back, under the form's ad.
      const leadgenId = `lg-${randomUUID()}`;
      await jetstream.publish(
        Events.leadgenReceived,
        {
          tenantId: late.tenantId,
          leadgenId,
          pageId: '1000',
          createdTime: new Date().toISOString(),
          phone: second.phone,
          attribution: { adId },
        },
        `leadgen:${leadgenId}`,
      );
      await crmAttributed(second.id);
      const expected = await settled(late.tenantId);
      expect(expected).toContainEqual(
        expect.objectContaining({
          view: 'cohort',
          ad: adId,
          currency: 'MXN',
          sales: 2,
          sales_amount: '1500.00',
        }),
      );
    });
  });
});
