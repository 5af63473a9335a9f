import type { INestApplication } from '@nestjs/common';
import { Rpc, parseJsonText, type JsonText, type MarketingReport } from '@crm/contracts';
import { JetStreamService, RpcClient, TenantDatabase, metricsRegistry } from '@crm/nest-common';
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
import { ReadModelBuilder } from '../../read-model/read-model.builder';
import { ReadModelService } from '../../read-model/read-model.service';
import { ReportFactsStore } from '../report-facts.store';
import { ReportSnapshotStore } from '../report-snapshot.store';
import { ReportingService } from '../reporting.service';
import { REPORTING_SETTINGS, type ReportingSettings } from '../reporting.settings';

/**
 * The per-version report cache against the REAL crm-service (its outbox publishes the events the read model
 * consumes), meta-ads-service and Meta sandbox. Whether a request was answered from the cache is read from the
 * service's own metric (`crm_report_cache_requests_total`); what it answered is compared, byte for byte, with a fresh
 * build of the same service code with the cache off (a second `ReportingService` on the same database and NATS).
 */

const NATS_URL = process.env.NATS_URL!;
const APP_SECRET = 'report-cache-int-spec-secret';
const AD_TZ = 'America/Mexico_City'; // the sandbox's main ad account

// The beforeAll, without a timeout of its own, starts the sandbox and two service processes.
jest.setTimeout(120_000);

type Tenant = { tenantId: string; ceoId: string };
type Outcome = 'hit' | 'joined' | 'built' | 'uncached';

let sandboxUrl: string;
let sandbox: ServiceHandle;
let dataset: SandboxProcessDataset;
let crm: ServiceHandle;
let metaAds: ServiceHandle;
let marketing: INestApplication;
let uncached: ReportingService;
let rpc: RpcTestClient;
let jetstream: JetStreamService;
let db: Client;
let counter = 0;

const phone = () => `+52144${String(++counter).padStart(8, '0')}`;

/** The cache's outcome counts for reports of `kind` (process-wide: the test reads differences). */
async function outcomes(kind: 'report' | 'roi'): Promise<Record<Outcome, number>> {
  const metric = await metricsRegistry.getSingleMetric('crm_report_cache_requests_total')!.get();
  const counts: Record<Outcome, number> = { hit: 0, joined: 0, built: 0, uncached: 0 };
  for (const { labels, value } of metric.values) {
    if (labels.kind === kind) counts[labels.outcome as Outcome] += value;
  }
  return counts;
}

/** What `run` did to the cache's counts of `kind`: only the outcomes that moved. */
async function counted<T>(
  kind: 'report' | 'roi',
  run: () => Promise<T>,
): Promise<[T, Partial<Record<Outcome, number>>]> {
  const before = await outcomes(kind);
  const result = await run();
  const after = await outcomes(kind);
  const moved: Partial<Record<Outcome, number>> = {};
  for (const outcome of Object.keys(after) as Outcome[]) {
    if (after[outcome] !== before[outcome]) moved[outcome] = after[outcome] - before[outcome];
  }
  return [result, moved];
}

const seedTenant = (): Promise<Tenant> =>
  seedTenantWithCeo(db, { name: 'Report cache IT', currency: 'USD', timezone: 'Asia/Tokyo' });

const actor = (t: Tenant) => ({ tenantId: t.tenantId, actorUserId: t.ceoId, actorRole: 'ceo' as const });

/** A Lead Ads lead as meta-ads-service announces it; crm-service creates the lead and emits `lead.created`. */
const leadAdsLead = (t: Tenant, adId: string): Promise<string> =>
  publishLeadAdsLead(db, jetstream, t.tenantId, adId, phone());

beforeAll(async () => {
  db = new Client({ connectionString: ownerDatabaseUrl() });
  await db.connect();
  ({ handle: sandbox, url: sandboxUrl, dataset } = await startSandboxProcess(APP_SECRET));
  ({ crm, metaAds } = await startCrmAndMetaAds(
    { graphUrl: sandboxUrl, appId: dataset.ids.appId, appSecret: APP_SECRET },
    { META_BREAKER_RESET_MS: '500' },
  ));
  marketing = await startMarketingInProcess({
    JETSTREAM_BACKOFF_BASE_MS: 100,
    JETSTREAM_BACKOFF_MAX_MS: 1000,
  });
  // The same service code, cache off: what a fresh build answers.
  const settings = marketing.get<symbol, ReportingSettings>(REPORTING_SETTINGS);
  uncached = new ReportingService(
    marketing.get(RpcClient),
    marketing.get(TenantDatabase),
    marketing.get(ReportFactsStore),
    marketing.get(ReadModelService),
    marketing.get(ReportSnapshotStore),
    marketing.get(ReadModelBuilder),
    { ...settings, cacheMaxBytes: 0 },
  );
  rpc = new RpcTestClient(NATS_URL);
  jetstream = new JetStreamService();
  await jetstream.connect(NATS_URL, 'report-cache-int-spec');
});

afterAll(async () => {
  await jetstream?.onApplicationShutdown();
  await rpc?.close();
  await marketing?.close();
  await Promise.allSettled([crm?.stop(), metaAds?.stop(), sandbox?.stop()]);
  await db?.end();
});

describe('the Marketing report cache (real crm-service events, meta-ads-service and Meta sandbox)', () => {
  let tenant: Tenant;
  let adA: string;
  const request = () => ({ tenantId: tenant.tenantId, preset: 'last_30d' as const });
  const report = () => rpc.call(Rpc.marketing.report, request(), 30_000);
  const fresh = () => uncached.report(request());
  const kpis = (text: JsonText<MarketingReport>) => parseJsonText(text).kpis;

  /** The next report is built (not served from the cache) and is exactly what a fresh build answers. */
  async function expectRebuilt(): Promise<MarketingReport> {
    const [text, moved] = await counted('report', report);
    expect(moved).toEqual({ built: 1 });
    expect(text).toBe(await fresh());
    const [again, movedAgain] = await counted('report', report);
    expect(movedAgain).toEqual({ hit: 1 });
    expect(again).toBe(text);
    return parseJsonText(text);
  }

  /** Wait until a fresh build shows the change (the event went through crm-service and the read model). */
  const freshShows = (what: string, check: (report: MarketingReport) => boolean) =>
    waitFor(async () => (check(parseJsonText(await fresh())) ? true : undefined), { what });

  beforeAll(async () => {
    tenant = await seedTenant();
    adA = dataset.ads.find((ad) => ad.adAccountId === dataset.ids.adAccountId)!.adId;
    const status = await connectTenantToSandbox(rpc, sandboxUrl, tenant.tenantId, dataset.ids);
    expect(status.adAccount).toMatchObject({ currency: 'MXN', timezone: AD_TZ });
    await leadAdsLead(tenant, adA);
    await freshShows('the first lead', (r) => r.kpis.leads === 1);
  });

  afterAll(async () => {
    await rpc?.call(Rpc.meta.disconnect, { tenantId: tenant.tenantId }).catch(() => undefined);
  });

  it('answers an unchanged report from the cache, report and ROI alike, equal to a fresh build', async () => {
    const [first] = await counted('report', report);
    const [second, moved] = await counted('report', report);
    expect(moved).toEqual({ hit: 1 });
    expect(second).toBe(first);
    expect(second).toBe(await fresh());
    expect(parseJsonText(second)).toMatchObject({ connection: 'connected', stale: false, currency: 'MXN' });

    const roi = () => rpc.call(Rpc.marketing.roi, request(), 30_000);
    await roi();
    const [roiText, roiMoved] = await counted('roi', roi);
    expect(roiMoved).toEqual({ hit: 1 });
    expect(roiText).toBe(await uncached.roi(request()));
  });

  it('a new lead through the real consumer: the next report is rebuilt, then cached again', async () => {
    await leadAdsLead(tenant, adA);
    await freshShows('the second lead', (r) => r.kpis.leads === 2);
    expect((await expectRebuilt()).kpis.leads).toBe(2);
  });

  it('an opportunity and a sale through the real consumers: rebuilt each time', async () => {
    const leadId = await leadAdsLead(tenant, adA);
    await freshShows('the third lead', (r) => r.kpis.leads === 3);
    await expectRebuilt();
    await rpc.call(Rpc.crm.createOpportunity, {
      ...actor(tenant),
      leadId,
      title: 'Deal',
      value: 900,
      currency: 'MXN',
    });
    await freshShows('the opportunity', (r) => r.kpis.opportunities === 1);
    expect((await expectRebuilt()).kpis.opportunities).toBe(1);
    await rpc.call(Rpc.crm.createSale, {
      ...actor(tenant),
      leadId,
      amount: 1234.5,
      currency: 'MXN',
      completedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await freshShows('the sale', (r) => r.kpis.sales === 1);
    expect((await expectRebuilt()).kpis.revenue).toBe(1234.5);
  });

  it('20 identical requests right after a change build the report once', async () => {
    await leadAdsLead(tenant, adA);
    await freshShows('the fourth lead', (r) => r.kpis.leads === 4);
    const [texts, moved] = await counted('report', () => Promise.all(Array.from({ length: 20 }, report)));
    expect(moved.built).toBe(1);
    expect((moved.hit ?? 0) + (moved.joined ?? 0)).toBe(19);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toBe(await fresh());
  });

  it('drifted facts and the rebuild that repairs them: rebuilt each time', async () => {
    await db.query(
      `UPDATE marketing.attribution_daily SET leads = leads + 7 WHERE tenant_id = $1 AND leads > 0`,
      [tenant.tenantId],
    );
    await db.query(
      `UPDATE marketing.attribution_monthly SET leads = leads + 7 WHERE tenant_id = $1 AND leads > 0`,
      [tenant.tenantId],
    );
    expect((await expectRebuilt()).kpis.leads).toBeGreaterThan(4);
    await marketing.get(ReadModelService).rebuild(tenant.tenantId);
    expect((await expectRebuilt()).kpis.leads).toBe(4);
  });

  it('an exchange rate: rebuilt, the foreign sale converted', async () => {
    const leadId = await leadAdsLead(tenant, adA);
    const completedAt = new Date(Date.now() - 60_000).toISOString();
    await rpc.call(Rpc.crm.createSale, {
      ...actor(tenant),
      leadId,
      amount: 10,
      currency: 'USD',
      completedAt,
    });
    await freshShows('the USD sale', (r) => r.kpis.sales === 2);
    expect((await expectRebuilt()).kpis.unconvertedSales).toBe(1);
    const since = parseJsonText(await report()).range.since;
    await rpc.call(Rpc.marketing.putFxRate, {
      tenantId: tenant.tenantId,
      rate: { day: since, from: 'USD', to: 'MXN', rate: 17.5 },
    });
    const converted = await expectRebuilt();
    expect(converted.kpis.unconvertedSales).toBe(0);
    expect(converted.kpis.revenue).toBeCloseTo(1234.5 + 175, 2);
  });

  it('facts bucketed in another timezone: re-bucketed, rebuilt, and cached under the new version', async () => {
    const before = await report();
    await db.query(`UPDATE marketing.read_model_tenants SET timezone = 'Asia/Tokyo' WHERE tenant_id = $1`, [
      tenant.tenantId,
    ]);
    const rebuilt = await expectRebuilt();
    expect(rebuilt.range.timezone).toBe(AD_TZ);
    expect(kpis(before)).toEqual(rebuilt.kpis);
  });

  it('a new insights answer from meta-ads-service: rebuilt', async () => {
    await report();
    // meta-ads-service's cached answer is gone: it asks the sandbox again and answers with a new `fetchedAt`.
    await db.query(`DELETE FROM meta_ads.insights_cache WHERE tenant_id = $1`, [tenant.tenantId]);
    expect((await expectRebuilt()).kpis.spend).toBeGreaterThan(0);
  });

  it('Meta failing: the stale snapshot is served and never cached', async () => {
    await db.query(`DELETE FROM meta_ads.insights_cache WHERE tenant_id = $1`, [tenant.tenantId]);
    await fetch(`${sandboxUrl}/_sandbox/outage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    try {
      for (let i = 0; i < 2; i++) {
        const [text, moved] = await counted('report', report);
        expect(moved).toEqual({ uncached: 1 });
        expect(parseJsonText(text)).toMatchObject({ stale: true, snapshotAt: expect.any(String) });
      }
    } finally {
      await fetch(`${sandboxUrl}/_sandbox/outage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
    }
    // Meta answers again (meta-ads-service's breaker closes after 500 ms): a new answer, built again.
    await freshShows('Meta answering again', (r) => !r.stale);
    expect((await expectRebuilt()).stale).toBe(false);
  });

  it('the ad account disconnected: rebuilt with the CRM numbers alone, spend 0', async () => {
    await report();
    await rpc.call(Rpc.meta.disconnect, { tenantId: tenant.tenantId });
    const disconnected = await expectRebuilt();
    expect(disconnected).toMatchObject({ connection: 'disconnected', currency: 'USD' });
    expect(disconnected.kpis).toMatchObject({ spend: 0, leads: 5 });
  });
});
