import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Rpc, parseJsonText, type FunnelMetrics, type ReportView } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import {
  waitFor,
  ownerDatabaseUrl,
  RpcTestClient,
  startSandboxProcess,
  type SandboxProcessDataset,
  type ServiceHandle,
} from '@crm/testing';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { startCrmAndMetaAds, startMarketingInProcess } from '../../__tests__/marketing-test-support';
import { emptyMeasures, type FactRow } from '../../read-model/attribution-facts';
import { ReadModelService } from '../../read-model/read-model.service';
import { ReadModelStore } from '../../read-model/read-model.store';
import { ReportFactsStore } from '../report-facts.store';

/**
 * marketing-service against the REAL crm-service, meta-ads-service and Meta sandbox, each a child process run
 * exactly as the demo runs it (the sandbox as a process keeps this service's code free of tool imports, which the
 * Nx module boundaries forbid). CRM facts are seeded with SQL (so no events: the read model is filled by the
 * rebuild, which replays the tenant from crm-service); Meta is connected through meta-ads-service's own RPCs with a
 * sandbox-minted token. Expected numbers come from our own SQL over the CRM's tables and from the sandbox's Graph
 * insights, for both views.
 */

const NATS_URL = process.env.NATS_URL!;
const APP_SECRET = 'marketing-int-spec-secret';
const AD_TZ = 'America/Mexico_City'; // the sandbox's main ad account
const TENANT_TZ = 'Asia/Tokyo'; // deliberately different: the ad account's timezone must win when connected

// The beforeAll, without a timeout of its own, starts the sandbox and two service processes.
jest.setTimeout(120_000);

type Seeded = { tenantId: string; userId: string };
type SandboxAd = { adId: string; campaignId: string; adAccountId: string };

let sandboxUrl: string;
let sandbox: ServiceHandle;
let dataset: SandboxProcessDataset;
let crm: ServiceHandle;
let metaAds: ServiceHandle;
let marketing: INestApplication;
let rpc: RpcTestClient;
let db: Client;

let phoneCounter = 0;
function phone(): string {
  phoneCounter += 1;
  return `+52155${String(phoneCounter).padStart(8, '0')}`;
}

async function seedTenant(currency: string, timezone: string): Promise<Seeded> {
  const tenantId = randomUUID();
  const userId = randomUUID();
  await db.query(`INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, $3, $4)`, [
    tenantId,
    'Marketing IT',
    currency,
    timezone,
  ]);
  await db.query(
    `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, 'CEO', 'ceo', 'x')`,
    [userId, tenantId, `ceo-${tenantId}@example.com`],
  );
  return { tenantId, userId };
}

/** A META_ADS lead created at `createdAtSql` (an SQL expression), optionally with an opportunity and a sale. */
async function seedLead(
  tenantId: string,
  options: {
    adId: string | null;
    campaignId?: string | null;
    createdAtSql: string;
    opportunities?: number;
    sale?: { amount: number; currency: string; completedAtSql: string };
  },
): Promise<string> {
  const [{ id }] = (
    await db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, meta_ad_id, meta_campaign_id, created_at)
       VALUES ($1, 'Lead', $2, 'META_ADS', $3, $4, ${options.createdAtSql}) RETURNING id`,
      [tenantId, phone(), options.adId, options.campaignId ?? null],
    )
  ).rows as { id: string }[];
  for (let i = 0; i < (options.opportunities ?? 0); i++) {
    await db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency) VALUES ($1, $2, 'Deal', 1000, 'MXN')`,
      [tenantId, id],
    );
  }
  if (options.sale) {
    await db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at)
       VALUES ($1, $2, $3, $4, 'completed', ${options.sale.completedAtSql})`,
      [tenantId, id, options.sale.amount, options.sale.currency],
    );
  }
  return id;
}

/**
 * Our own count of the CRM facts of the last `days` calendar days (today inclusive) in `timezone`, META_ADS leads only:
 * - period: leads, opportunities and completed sales each by its own timestamp in range;
 * - cohort: leads created in range, and every opportunity and completed sale of those leads, whenever.
 */
async function expectedCrm(
  tenantId: string,
  days: number,
  timezone: string,
  view: ReportView = 'period',
): Promise<{
  leads: number;
  opportunities: number;
  sales: number;
  revenue: number;
  since: string;
  until: string;
}> {
  const range = `
    WITH bounds AS (
      SELECT ((now() AT TIME ZONE $2)::date - ($3::int - 1)) AS since_day, (now() AT TIME ZONE $2)::date AS until_day
    ), instants AS (
      SELECT since_day, until_day, (since_day::timestamp AT TIME ZONE $2) AS since_at,
             ((until_day + 1)::timestamp AT TIME ZONE $2) AS until_at
        FROM bounds
    )`;
  const inRange = (column: string) => `${column} >= i.since_at AND ${column} < i.until_at`;
  const opportunityAt = view === 'period' ? 'o.created_at' : 'l.created_at';
  const saleAt = view === 'period' ? 's.completed_at' : 'l.created_at';
  const params = [tenantId, timezone, days];
  const [row] = (
    await db.query(
      `${range}
       SELECT to_char(i.since_day, 'YYYY-MM-DD') AS since, to_char(i.until_day, 'YYYY-MM-DD') AS until,
         (SELECT count(*) FROM crm.leads l WHERE l.tenant_id = $1 AND l.lead_source = 'META_ADS'
            AND ${inRange('l.created_at')})::int AS leads,
         (SELECT count(*) FROM crm.opportunities o JOIN crm.leads l ON l.id = o.lead_id
           WHERE o.tenant_id = $1 AND l.lead_source = 'META_ADS' AND ${inRange(opportunityAt)})::int AS opportunities,
         (SELECT count(*) FROM crm.sales_transactions s JOIN crm.leads l ON l.id = s.lead_id
           WHERE s.tenant_id = $1 AND s.status = 'completed' AND l.lead_source = 'META_ADS'
             AND ${inRange(saleAt)})::int AS sales,
         (SELECT coalesce(sum(s.amount), 0) FROM crm.sales_transactions s JOIN crm.leads l ON l.id = s.lead_id
           WHERE s.tenant_id = $1 AND s.status = 'completed' AND l.lead_source = 'META_ADS'
             AND ${inRange(saleAt)})::float8 AS revenue
       FROM instants i`,
      params,
    )
  ).rows as {
    leads: number;
    opportunities: number;
    sales: number;
    revenue: number;
    since: string;
    until: string;
  }[];
  return row;
}

/** Our own sum over the sandbox's account-level insights for the range. */
async function sandboxTotals(
  token: string,
  since: string,
  until: string,
): Promise<{ spend: number; impressions: number; clicks: number }> {
  const url = new URL(`${sandboxUrl}/v23.0/${dataset.ids.adAccountId}/insights`);
  url.searchParams.set('level', 'account');
  url.searchParams.set('fields', 'spend,impressions,clicks');
  url.searchParams.set('time_range', JSON.stringify({ since, until }));
  url.searchParams.set('access_token', token);
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: { spend: string; impressions: string; clicks: string }[] };
  return body.data.reduce(
    (total, row) => ({
      spend: total.spend + Number(row.spend),
      impressions: total.impressions + Number(row.impressions),
      clicks: total.clicks + Number(row.clicks),
    }),
    { spend: 0, impressions: 0, clicks: 0 },
  );
}

async function mintToken(): Promise<string> {
  const response = await fetch(`${sandboxUrl}/_sandbox/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function sandboxControl(path: string, body: object): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

/** `actual` is `exact` rounded to 2 decimals (half away from zero allows a difference of exactly 0.005). */
function expectMoney(actual: number | null, exact: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(0.005 + 1e-9);
}

const ADDITIVE = ['spend', 'impressions', 'clicks', 'leads', 'opportunities', 'sales', 'revenue'] as const;
function sum(rows: FunnelMetrics[], key: (typeof ADDITIVE)[number]): number {
  return rows.reduce((total, row) => total + row[key], 0);
}

beforeAll(async () => {
  db = new Client({ connectionString: ownerDatabaseUrl() });
  await db.connect();
  ({ handle: sandbox, url: sandboxUrl, dataset } = await startSandboxProcess(APP_SECRET));
  ({ crm, metaAds } = await startCrmAndMetaAds(
    { graphUrl: sandboxUrl, appId: dataset.ids.appId, appSecret: APP_SECRET },
    { META_BREAKER_RESET_MS: '500' },
  ));
  marketing = await startMarketingInProcess();
  rpc = new RpcTestClient(NATS_URL);
});

afterAll(async () => {
  await rpc?.close();
  await marketing?.close();
  await Promise.allSettled([crm?.stop(), metaAds?.stop(), sandbox?.stop()]);
  await db?.end();
});

describe('marketing-service reports (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let ads: SandboxAd[];
  let firstAd: SandboxAd;
  let secondAd: SandboxAd;
  let connected: Seeded;
  let token: string;

  beforeAll(async () => {
    ads = dataset.ads.filter((ad) => ad.adAccountId === dataset.ids.adAccountId);
    [firstAd, secondAd] = ads;
    expect(new Set(ads.map((ad) => ad.campaignId)).size).toBeGreaterThan(1);
    connected = await seedTenant('USD', TENANT_TZ);
    token = await mintToken();
    await rpc.call(Rpc.meta.completeOauth, {
      tenantId: connected.tenantId,
      userId: connected.userId,
      accessToken: token,
    });
    const status = await rpc.call(Rpc.meta.selectAssets, {
      tenantId: connected.tenantId,
      businessId: dataset.ids.businessId,
      adAccountId: dataset.ids.adAccountId,
      wabaId: dataset.ids.wabaId,
      phoneNumberId: dataset.ids.phoneNumberIds[0],
    });
    expect(status).toMatchObject({ state: 'connected', setupComplete: true });
    expect(status.adAccount).toMatchObject({ currency: 'MXN', timezone: AD_TZ });

    const { tenantId } = connected;
    const recent = `now() - interval '1 day'`;
    await seedLead(tenantId, {
      adId: firstAd.adId,
      campaignId: 'stale-campaign-on-the-lead',
      createdAtSql: recent,
      opportunities: 2,
      sale: { amount: 1500.5, currency: 'MXN', completedAtSql: recent },
    });
    await seedLead(tenantId, { adId: firstAd.adId, createdAtSql: recent, opportunities: 1 });
    await seedLead(tenantId, {
      adId: secondAd.adId,
      createdAtSql: `now() - interval '2 hours'`,
      sale: { amount: 999.99, currency: 'MXN', completedAtSql: `now() - interval '1 hour'` },
    });
    await seedLead(tenantId, { adId: null, createdAtSql: recent });
    await seedLead(tenantId, { adId: '999999999999999', createdAtSql: recent, opportunities: 1 });
    // Exactly at the start of the first day of last_7d in the ad account's timezone: counted...
    await seedLead(tenantId, {
      adId: firstAd.adId,
      createdAtSql: `(((now() AT TIME ZONE '${AD_TZ}')::date - 6)::timestamp AT TIME ZONE '${AD_TZ}')`,
    });
    // ...one second earlier: not counted in last_7d, counted in last_30d.
    await seedLead(tenantId, {
      adId: firstAd.adId,
      createdAtSql: `(((now() AT TIME ZONE '${AD_TZ}')::date - 6)::timestamp AT TIME ZONE '${AD_TZ}') - interval '1 second'`,
    });
    await seedLead(tenantId, { adId: secondAd.adId, createdAtSql: `now() - interval '20 days'` });
    // Not a Meta lead: never counted.
    await db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, meta_ad_id, created_at)
       VALUES ($1, 'Walk-in', $2, 'MANUAL', $3, now() - interval '1 day')`,
      [tenantId, phone(), firstAd.adId],
    );
    // A lead of 40 days ago with a sale today: in today's period, not in the 30-day cohort.
    await seedLead(tenantId, {
      adId: secondAd.adId,
      createdAtSql: `now() - interval '40 days'`,
      opportunities: 1,
      sale: { amount: 700, currency: 'MXN', completedAtSql: `now() - interval '3 hours'` },
    });
    // The SQL rows made no events: replay the tenant from crm-service into the read model.
    const rebuilt = await marketing.get(ReadModelService).rebuild(tenantId);
    expect(rebuilt).toMatchObject({ leads: 9, opportunities: 5, sales: 3 });
  });

  afterAll(async () => {
    // A WhatsApp number belongs to one tenant at a time: release it for the other suites of this run.
    await rpc?.call(Rpc.meta.disconnect, { tenantId: connected.tenantId }).catch(() => undefined);
  });

  it.each(['period', 'cohort'] as const)(
    'stats totals (%s view) equal our SQL over the CRM plus our sum over the sandbox insights',
    async (view) => {
      const report = await rpc.call(Rpc.marketing.stats, {
        tenantId: connected.tenantId,
        preset: 'last_7d',
        view,
      });
      const crmFacts = await expectedCrm(connected.tenantId, 7, AD_TZ, view);
      const meta = await sandboxTotals(token, crmFacts.since, crmFacts.until);

      expect(report.range).toEqual({
        preset: 'last_7d',
        since: crmFacts.since,
        until: crmFacts.until,
        timezone: AD_TZ,
      });
      expect(report).toMatchObject({
        currency: 'MXN',
        salesCurrencies: ['MXN'],
        currencyMismatch: false,
        connection: 'connected',
        stale: false,
      });
      expect(crmFacts).toMatchObject(
        view === 'period'
          ? { leads: 6, opportunities: 5, sales: 3 }
          : { leads: 6, opportunities: 4, sales: 2 },
      );
      expect(report.totals).toMatchObject({
        leads: crmFacts.leads,
        opportunities: crmFacts.opportunities,
        sales: crmFacts.sales,
        impressions: meta.impressions,
        clicks: meta.clicks,
      });
      expectMoney(report.totals.revenue, crmFacts.revenue);
      expect(meta.spend).toBeGreaterThan(0);
      expectMoney(report.totals.spend, meta.spend);
      expectMoney(report.totals.costPerLead, meta.spend / crmFacts.leads);
      expectMoney(report.totals.roiPercent, ((crmFacts.revenue - meta.spend) / meta.spend) * 100);
    },
  );

  it('the report carries both views, the daily series and the funnel of the same numbers', async () => {
    const [period, cohort] = await Promise.all(
      (['period', 'cohort'] as const).map(async (view) =>
        parseJsonText(
          await rpc.call(
            Rpc.marketing.report,
            { tenantId: connected.tenantId, preset: 'last_30d', view },
            30_000,
          ),
        ),
      ),
    );
    for (const [report, view] of [
      [period, 'period'],
      [cohort, 'cohort'],
    ] as const) {
      const crmFacts = await expectedCrm(connected.tenantId, 30, AD_TZ, view);
      expect(report.view).toBe(view);
      expect(report.kpis).toMatchObject({
        leads: crmFacts.leads,
        opportunities: crmFacts.opportunities,
        sales: crmFacts.sales,
      });
      expectMoney(report.kpis.revenue, crmFacts.revenue);
      expect(report.daily).toHaveLength(30);
      expect(report.daily[0].day).toBe(crmFacts.since);
      expect(report.daily[29].day).toBe(crmFacts.until);
      expect(report.daily.reduce((n, d) => n + d.leads, 0)).toBe(crmFacts.leads);
      expect(report.daily.reduce((n, d) => n + d.sales, 0)).toBe(crmFacts.sales);
      const meta = await sandboxTotals(token, crmFacts.since, crmFacts.until);
      expect(report.daily.reduce((n, d) => n + d.spend, 0)).toBeCloseTo(meta.spend, 2);
      expect(report.funnel).toMatchObject({
        leads: crmFacts.leads,
        opportunities: crmFacts.opportunities,
        sales: crmFacts.sales,
      });
      expect(report.revenueByCurrency).toEqual([
        expect.objectContaining({ currency: 'MXN', sales: crmFacts.sales, reason: null }),
      ]);
      // The oldest lead is 40 days old: 30 days are within the CRM history.
      expect(report.rangeExceedsHistory).toBe(false);
    }
    // The 40-day-old lead's sale of today is in the period, not in the 30-day cohort.
    expect(period.kpis.sales - cohort.kpis.sales).toBe(1);
    const thisYear = parseJsonText(
      await rpc.call(Rpc.marketing.report, { tenantId: connected.tenantId, preset: 'this_year' }),
    );
    expect(thisYear.rangeExceedsHistory).toBe(true);
    // Whole months come from the monthly roll-up, the current one from the daily facts: same numbers as our SQL.
    const yearDays = DateTime.now().setZone(AD_TZ).ordinal;
    const yearFacts = await expectedCrm(connected.tenantId, yearDays, AD_TZ, 'period');
    expect(thisYear.range.since).toBe(yearFacts.since);
    expect(thisYear.kpis).toMatchObject({
      leads: yearFacts.leads,
      opportunities: yearFacts.opportunities,
      sales: yearFacts.sales,
    });
    expectMoney(thisYear.kpis.revenue, yearFacts.revenue);
    expect(thisYear.crmHistoryStartsOn! > thisYear.range.since).toBe(true);
  });

  it('sums a range as months plus or minus days: facts after `until` in its month are left out', async () => {
    const tenantId = randomUUID();
    const fact = (day: string, adId: string | null, leads: number, sales = 0, cents = 0): FactRow => ({
      view: 'period',
      day,
      adId,
      currency: sales ? 'MXN' : '',
      ...emptyMeasures(),
      leads,
      sales,
      salesAmountCents: cents,
    });
    const facts = [
      fact('2026-02-27', 'ad-1', 1),
      fact('2026-03-10', 'ad-1', 2),
      fact('2026-03-10', 'ad-1', 0, 1, 10_000),
      fact('2026-03-25', 'ad-1', 4),
      fact('2026-03-31', 'ad-2', 8), // ad-2 has facts only after the ranges below: not a row of them
      fact('2026-03-31', 'ad-1', 0, 1, 99_999),
    ];
    const database = marketing.get(TenantDatabase);
    await database.withTenant(tenantId, (tx) => marketing.get(ReadModelStore).addFacts(tx, tenantId, facts));
    const sums = (since: string, until: string) =>
      database.withTenant(tenantId, (tx) =>
        marketing.get(ReportFactsStore).sums(tx, tenantId, 'period', since, until),
      );
    // March 1–24: the month from the roll-up minus March 25–31; February 20–March 24: February's days added too.
    for (const [since, until, leads] of [
      ['2026-03-01', '2026-03-24', 2],
      ['2026-02-20', '2026-03-24', 3],
    ] as const) {
      const { byAd } = await sums(since, until);
      const byKey = new Map(byAd.map((row) => [`${row.adId}|${row.currency}`, row]));
      expect([...byKey.keys()].sort()).toEqual(['ad-1|', 'ad-1|MXN']);
      expect(byKey.get('ad-1|')).toMatchObject({ leads, sales: 0 });
      expect(byKey.get('ad-1|MXN')).toMatchObject({ leads: 0, sales: 1 });
      expect(Number(byKey.get('ad-1|MXN')!.salesAmount)).toBe(100);
    }
  });

  it("roi rolls ads up into Meta's campaigns and puts unknown ads in unattributed", async () => {
    const report = parseJsonText(
      await rpc.call(Rpc.marketing.roi, { tenantId: connected.tenantId, preset: 'last_30d' }),
    );
    const crmFacts = await expectedCrm(connected.tenantId, 30, AD_TZ);
    const meta = await sandboxTotals(token, crmFacts.since, crmFacts.until);

    const campaignIds = new Set(ads.map((ad) => ad.campaignId));
    expect(new Set(report.campaigns.map((c) => c.campaignId))).toEqual(campaignIds);
    expect(report.campaigns.flatMap((c) => c.ads.map((a) => a.adId)).sort()).toEqual(
      ads.map((a) => a.adId).sort(),
    );
    for (const campaign of report.campaigns) {
      for (const key of ADDITIVE) expect(campaign[key]).toBeCloseTo(sum(campaign.ads, key), 2);
      const spends = campaign.ads.map((a) => a.spend);
      expect(spends).toEqual([...spends].sort((a, b) => b - a));
    }
    const campaignSpends = report.campaigns.map((c) => c.spend);
    expect(campaignSpends).toEqual([...campaignSpends].sort((a, b) => b - a));

    const first = report.campaigns.find((c) => c.campaignId === firstAd.campaignId)!;
    expect(first.ads.find((a) => a.adId === firstAd.adId)).toMatchObject({
      leads: 4,
      opportunities: 3,
      sales: 1,
      revenue: 1500.5,
    });
    expect(report.campaigns.some((c) => c.campaignId === 'stale-campaign-on-the-lead')).toBe(false);
    expect(report.unattributed).toMatchObject({ spend: 0, leads: 2, opportunities: 1, sales: 0, revenue: 0 });

    const totalSpend = sum(report.campaigns, 'spend');
    expect(totalSpend).toBeCloseTo(meta.spend, 2);
    expect(sum([...report.campaigns, report.unattributed], 'leads')).toBe(crmFacts.leads);
    expect(crmFacts.leads).toBe(8);
    // Ad names come from Meta's ad catalogue.
    const named = new Map(dataset.ads.map((ad) => [ad.adId, ad]));
    for (const campaign of report.campaigns) {
      for (const ad of campaign.ads)
        expect(ad.adName).toBe((named.get(ad.adId) as { adName?: string }).adName);
    }
  });

  it('rejects an invalid custom range with a VALIDATION error', async () => {
    await expect(
      rpc.call(Rpc.marketing.stats, { tenantId: connected.tenantId, preset: 'custom', since: '2026-01-10' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('since and until') });
    await expect(
      rpc.call(Rpc.marketing.stats, {
        tenantId: connected.tenantId,
        preset: 'custom',
        since: '2025-01-10',
        until: '2025-01-01',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      rpc.call(Rpc.marketing.stats, { tenantId: 'nope', preset: 'last_7d' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('serves the last good snapshot (stale) when Meta is down, and the typed error when it has none', async () => {
    const fresh = parseJsonText(
      await rpc.call(Rpc.marketing.roi, { tenantId: connected.tenantId, preset: 'last_7d' }),
    );
    // The report (of which /stats/roi is a view) is stored in the background.
    await waitFor(async () => {
      const stored = await db.query(
        `SELECT kind, preset, to_char(since, 'YYYY-MM-DD') AS since FROM marketing.report_snapshots
          WHERE tenant_id = $1 AND kind = 'report_period' AND preset = 'last_7d'`,
        [connected.tenantId],
      );
      return stored.rows.length === 1 && stored.rows[0].since === fresh.range.since ? true : undefined;
    });

    // meta-ads-service keeps its own short cache; drop it so the request really reaches the (failing) sandbox.
    await db.query(`DELETE FROM meta_ads.insights_cache WHERE tenant_id = $1`, [connected.tenantId]);
    await sandboxControl('outage', { enabled: true });
    try {
      const served = parseJsonText(
        await rpc.call(Rpc.marketing.roi, { tenantId: connected.tenantId, preset: 'last_7d' }),
      );
      expect(served.stale).toBe(true);
      expect(served.snapshotAt).toEqual(expect.any(String));
      expect(served.campaigns).toEqual(fresh.campaigns);
      expect(served.unattributed).toEqual(fresh.unattributed);

      await expect(
        rpc.call(Rpc.marketing.stats, {
          tenantId: connected.tenantId,
          preset: 'custom',
          since: fresh.range.since,
          until: fresh.range.since,
        }),
      ).rejects.toMatchObject({ code: 'META_UNAVAILABLE' });
    } finally {
      await sandboxControl('outage', { enabled: false });
    }
  });

  it('answers a tenant without Meta with CRM numbers, spend 0, in the tenant timezone', async () => {
    const lonely = await seedTenant('USD', TENANT_TZ);
    await seedLead(lonely.tenantId, {
      adId: firstAd.adId,
      createdAtSql: `now() - interval '1 day'`,
      opportunities: 1,
      sale: { amount: 300, currency: 'MXN', completedAtSql: `now() - interval '1 day'` },
    });
    await marketing.get(ReadModelService).rebuild(lonely.tenantId);
    const report = await rpc.call(Rpc.marketing.stats, {
      tenantId: lonely.tenantId,
      preset: 'last_7d',
    });
    const crmFacts = await expectedCrm(lonely.tenantId, 7, TENANT_TZ);
    expect(report).toMatchObject({
      connection: 'disconnected',
      currency: 'USD',
      salesCurrencies: ['MXN'],
      currencyMismatch: true,
      stale: false,
      range: { since: crmFacts.since, until: crmFacts.until, timezone: TENANT_TZ },
    });
    expect(report.totals).toMatchObject({
      spend: 0,
      impressions: 0,
      leads: 1,
      opportunities: 1,
      sales: 1,
      // The sale is in MXN, the report in USD and there is no MXN→USD rate: never summed raw.
      revenue: 0,
      // Nothing was spent: cost per lead is undefined ("—"), not 0.
      costPerLead: null,
      roiPercent: null,
    });
    const full = parseJsonText(
      await rpc.call(Rpc.marketing.report, { tenantId: lonely.tenantId, preset: 'last_7d' }),
    );
    expect(full.kpis.unconvertedSales).toBe(1);
    expect(full.revenueByCurrency).toEqual([
      expect.objectContaining({
        currency: 'MXN',
        sales: 1,
        amount: 300,
        unconvertedAmount: 300,
        reason: 'no_rate',
      }),
    ]);

    // A rate dated after the sale's day does not apply to it; one dated on or before it does.
    const saleDay = full.daily.find((day) => day.sales === 1)!.day;
    await rpc.call(Rpc.marketing.putFxRate, {
      tenantId: lonely.tenantId,
      rate: { day: full.range.until, from: 'MXN', to: 'USD', rate: 0.06 },
    });
    const rate = saleDay < full.range.until ? 0.05 : 0.06;
    if (saleDay < full.range.until) {
      const later = parseJsonText(
        await rpc.call(Rpc.marketing.report, { tenantId: lonely.tenantId, preset: 'last_7d' }),
      );
      expect(later.kpis).toMatchObject({ revenue: 0, unconvertedSales: 1 });
    }
    await rpc.call(Rpc.marketing.putFxRate, {
      tenantId: lonely.tenantId,
      rate: { day: full.range.since, from: 'MXN', to: 'USD', rate: 0.05 },
    });
    const converted = parseJsonText(
      await rpc.call(Rpc.marketing.report, { tenantId: lonely.tenantId, preset: 'last_7d' }),
    );
    expect(converted.kpis).toMatchObject({ unconvertedSales: 0, roiPercent: null });
    expect(converted.kpis.revenue).toBeCloseTo(300 * rate, 2);
    expect(converted.revenueByCurrency).toEqual([
      expect.objectContaining({ currency: 'MXN', amount: 300, convertedSales: 1, reason: null }),
    ]);
    expect(converted.revenueByCurrency[0].convertedAmount).toBeCloseTo(300 * rate, 2);
    expect(converted.daily.find((day) => day.day === saleDay)!.revenue).toBeCloseTo(300 * rate, 2);
  });
});
