import { randomUUID } from 'node:crypto';
import {
  DomainError,
  Rpc,
  parseJsonText,
  type AdInsightRow,
  type AdInsightsResult,
  type MarketingReport,
  type RangePreset,
  type ReportRequest,
  type ReportView,
  type StatsReport,
} from '@crm/contracts';
import { createPrng } from '@crm/meta-sandbox';
import { RpcClient, TenantDatabase } from '@crm/nest-common';
import { openRunDataSources, type RunDataSources } from '@crm/testing';
import type { EntityManager } from 'typeorm';
import { emptyMeasures, type FactRow } from '../../read-model/attribution-facts';
import type { ReadModelBuilder } from '../../read-model/read-model.builder';
import type { ReadModelService } from '../../read-model/read-model.service';
import { ReadModelStore } from '../../read-model/read-model.store';
import { ReportFactsStore } from '../report-facts.store';
import type { ReportSnapshotStore, SnapshotKey } from '../report-snapshot.store';
import { ReportingService } from '../reporting.service';
import type { ReportingSettings } from '../reporting.settings';

/**
 * `stats` against the full report it is a view of (`report`, the oracle), on the real PostgreSQL read model of a
 * seeded tenant: several currencies (the report's, one converted from before the history, one only from mid-range,
 * so part of it unconverted), facts of ads Meta does not return and of leads without an ad, both views, ranges made
 * of months plus or minus days and ranges that start before the history. Meta (meta-ads-service's RPCs) is a fake
 * whose answer each case sets: connected, stale, not connected, expired, failing.
 */

const TZ = 'America/Mexico_City';
const NOW = new Date('2026-03-10T18:00:00Z'); // 2026-03-10 in TZ
const HISTORY_FROM = Date.parse('2026-01-05T00:00:00Z');
const HISTORY_DAYS = 65; // 2026-01-05 … 2026-03-10
const AD_ACCOUNT = 'act_1';

type MetaState = 'ok' | 'stale' | 'disconnected' | 'expired' | 'down';

function seedFacts(next: () => number): FactRow[] {
  const int = (below: number) => Math.floor(next() * below);
  const adIds: (string | null)[] = [
    ...Array.from({ length: 24 }, (_, i) => `ad-${i}`),
    ...Array.from({ length: 4 }, (_, i) => `gone-${i}`), // not in Meta's answer: unattributed
    null, // a Meta lead without an ad
  ];
  const rows: FactRow[] = [];
  for (const view of ['period', 'cohort'] as const) {
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const day = new Date(HISTORY_FROM + d * 86_400_000).toISOString().slice(0, 10);
      for (const adId of adIds) {
        if (next() < 0.6) continue;
        const counts = {
          ...emptyMeasures(),
          leads: 1 + int(3),
          opportunities: int(3),
          won: int(2),
          lost: int(2),
        };
        rows.push({ view, day, adId, currency: '', ...counts });
        for (const currency of ['MXN', 'USD', 'EUR']) {
          if (next() < 0.6) continue;
          const sales = int(3);
          const refunds = sales === 0 ? 1 : int(2);
          rows.push({
            view,
            day,
            adId,
            currency,
            ...emptyMeasures(),
            sales,
            salesAmountCents: sales * (1 + int(250_000)),
            refunds,
            refundAmountCents: refunds * (1 + int(90_000)),
          });
        }
      }
    }
  }
  return rows;
}

function insightsOf(next: () => number, stale: boolean): AdInsightsResult {
  const rows: AdInsightRow[] = Array.from({ length: 30 }, (_, i) => ({
    campaignId: `c-${i % 7}`,
    campaignName: `Campaign ${i % 5}`, // names repeat across campaigns: the id breaks the tie
    adsetId: `s-${i}`,
    adsetName: `Set ${i}`,
    adId: i < 26 ? `ad-${i}` : `ad-${i - 26}`, // an ad Meta returns twice, and ads without facts
    adName: `Ad ${i}`,
    spend: Math.round(next() * 5_000_000) / 100,
    impressions: Math.floor(next() * 100_000),
    clicks: Math.floor(next() * 2_000),
  }));
  return {
    adAccountId: AD_ACCOUNT,
    currency: 'MXN',
    timezone: TZ,
    rows,
    days: [],
    fetchedAt: new Date(Math.floor(next() * 1e12)).toISOString(),
    stale,
  };
}

describe('marketing stats from the per-day totals (real PostgreSQL read model)', () => {
  let data: RunDataSources;
  let service: ReportingService;
  let facts: ReportFactsStore;
  let tenantId: string;
  let meta: MetaState;
  let insights: AdInsightsResult;
  const snapshots = new Map<string, { payload: unknown; computedAt: Date }>();
  const next = createPrng(20260310); // seeded, so a failure can be replayed

  beforeAll(async () => {
    data = await openRunDataSources();
    const db = new TenantDatabase(data.app);
    tenantId = randomUUID();
    await db.withTenant(tenantId, async (em) => {
      await new ReadModelStore().addFacts(em, tenantId, seedFacts(next));
      // USD→MXN from before the history (every USD sale converts), EUR→MXN from mid-February only.
      await em.query(
        `INSERT INTO marketing.fx_rates (tenant_id, day, from_currency, to_currency, rate) VALUES
           ($1, '2025-12-01', 'USD', 'MXN', 17.1234), ($1, '2026-02-01', 'USD', 'MXN', 18.0567),
           ($1, '2026-02-15', 'EUR', 'MXN', 20.3311), ($1, '2026-01-10', 'MXN', 'USD', 0.0571)`,
        [tenantId],
      );
    });
    const rpc = {
      call: async (subject: string) => {
        if (subject === Rpc.meta.adInsights || subject === Rpc.meta.adInsightsIfChanged) {
          if (meta === 'disconnected') throw new DomainError('META_NOT_CONNECTED', 'not connected');
          if (meta === 'expired') throw new DomainError('META_TOKEN_EXPIRED', 'expired');
          if (meta === 'down') throw new DomainError('META_UNAVAILABLE', 'down');
          return insights;
        }
        if (subject === Rpc.crm.getTenant) return { currency: 'USD' };
        if (subject === Rpc.meta.connectionStatus)
          return { state: 'connected', adAccount: { id: AD_ACCOUNT } };
        throw new Error(`unexpected RPC ${subject}`);
      },
    } as unknown as RpcClient;
    const snapshotStore = {
      save: async (key: SnapshotKey, payload: unknown, computedAt: Date) => {
        snapshots.set(JSON.stringify(key), { payload, computedAt });
      },
      find: async (key: SnapshotKey) => snapshots.get(JSON.stringify(key)) ?? null,
    } as unknown as ReportSnapshotStore;
    const settings: ReportingSettings = {
      insightsTimeoutMs: 1000,
      rpcTimeoutMs: 1000,
      snapshotRetentionDays: 30,
      cacheMaxBytes: 64 * 1024 * 1024,
      now: () => NOW,
    };
    facts = new ReportFactsStore();
    service = new ReportingService(
      rpc,
      db,
      facts,
      {
        timezoneAfter: (tenant: string, read: (m: EntityManager) => Promise<unknown>) =>
          db.withTenant(tenant, async (m) => [await read(m), TZ]),
      } as unknown as ReadModelService,
      snapshotStore,
      { ensureBuilt: async () => undefined } as unknown as ReadModelBuilder,
      settings,
    );
  });

  afterAll(async () => {
    await data.owner.query(`DELETE FROM marketing.attribution_daily WHERE tenant_id = $1`, [tenantId]);
    await data.owner.query(`DELETE FROM marketing.attribution_monthly WHERE tenant_id = $1`, [tenantId]);
    await data.owner.query(`DELETE FROM marketing.attribution_day_totals WHERE tenant_id = $1`, [tenantId]);
    await data.owner.query(`DELETE FROM marketing.fx_rates WHERE tenant_id = $1`, [tenantId]);
    await data.close();
  });

  afterEach(() => jest.restoreAllMocks());

  const reportOf = async (request: ReportRequest) => parseJsonText(await service.report(request));

  // Restates reporting.service.ts's metaOf on purpose: an independent oracle, so a slip there cannot pass here too.
  const oracle = (report: MarketingReport): StatsReport => ({
    range: report.range,
    currency: report.currency,
    salesCurrencies: report.salesCurrencies,
    currencyMismatch: report.currencyMismatch,
    connection: report.connection,
    stale: report.stale,
    ...(report.snapshotAt ? { snapshotAt: report.snapshotAt } : {}),
    totals: report.kpis,
  });

  const ranges: { preset: RangePreset; since?: string; until?: string }[] = [
    { preset: 'last_7d' },
    { preset: 'last_30d' },
    { preset: 'last_90d' }, // starts before the history
    { preset: 'this_year' },
    { preset: 'custom', since: '2025-11-20', until: '2026-02-20' }, // months plus and minus days, before the history
    { preset: 'custom', since: '2026-02-14', until: '2026-02-16' }, // the EUR rate starts inside it
  ];
  const cases = (['period', 'cohort'] as const).flatMap((view) =>
    ranges.map((range) => ({ view, ...range })),
  );

  it.each(cases)(
    'connected, $view $preset $since $until: equals the full report, from the per-day totals once it is stored',
    async ({ view, ...range }) => {
      meta = 'ok';
      insights = insightsOf(next, false);
      const request = { tenantId, view: view as ReportView, ...range };
      const sums = jest.spyOn(facts, 'sums');
      const report = await reportOf(request);
      expect(sums).toHaveBeenCalledTimes(1);
      expect(report.kpis.leads).toBeGreaterThan(0);
      expect(report.kpis.spend).toBeGreaterThan(0);

      const stats = await service.stats(request);
      expect(sums).toHaveBeenCalledTimes(1);
      expect(stats).toEqual(oracle(report));
      expect(JSON.stringify(stats)).toBe(JSON.stringify(oracle(report)));
    },
  );

  it('the data exercises what the fast path must get right', async () => {
    meta = 'ok';
    insights = insightsOf(next, false);
    const report = await reportOf({
      tenantId,
      preset: 'custom',
      since: '2026-01-20',
      until: '2026-02-20',
    });
    expect(report.salesCurrencies).toEqual(['MXN', 'EUR', 'USD']);
    expect(report.kpis.unconvertedSales).toBeGreaterThan(0); // EUR before its first rate
    expect(report.revenueByCurrency.find((row) => row.currency === 'USD')!.convertedSales).toBeGreaterThan(0);
    expect(report.unattributed.leads).toBeGreaterThan(0);
    expect(report.rangeExceedsHistory).toBe(false);
    const before = await reportOf({ tenantId, preset: 'last_90d' });
    expect(before.rangeExceedsHistory).toBe(true);
  });

  it('the first stats of an insights answer builds the full report and stores its snapshot', async () => {
    meta = 'ok';
    insights = insightsOf(next, false);
    const request = { tenantId, preset: 'last_30d' as const, view: 'cohort' as const };
    const sums = jest.spyOn(facts, 'sums');
    const first = await service.stats(request);
    expect(sums).toHaveBeenCalledTimes(1);
    const key = { tenantId, kind: 'report_cohort', adAccountId: AD_ACCOUNT, preset: 'last_30d' };
    const stored = [...snapshots.entries()].find(([id]) => id.startsWith(JSON.stringify(key).slice(0, -1)));
    expect((stored![1].payload as MarketingReport).kpis).toEqual(first.totals);

    const second = await service.stats(request);
    expect(sums).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
  });

  it.each(['stale', 'disconnected', 'expired'] as const)(
    'Meta %s: equals the full report, without reading per ad',
    async (state) => {
      meta = state;
      insights = insightsOf(next, true);
      for (const view of ['period', 'cohort'] as const) {
        for (const range of ranges) {
          const request = { tenantId, view, ...range };
          const report = await reportOf(request);
          const sums = jest.spyOn(facts, 'sums');
          expect(await service.stats(request)).toEqual(oracle(report));
          expect(sums).not.toHaveBeenCalled();
          sums.mockRestore();
        }
      }
    },
  );

  it('Meta failing: the last good snapshot, as the full path serves it', async () => {
    meta = 'ok';
    insights = insightsOf(next, false);
    const request = { tenantId, preset: 'last_7d' as const };
    await service.stats(request);
    meta = 'down';
    const report = await reportOf(request);
    expect(report).toMatchObject({ stale: true, snapshotAt: expect.any(String) });
    expect(await service.stats(request)).toEqual(oracle(report));
    await expect(
      service.stats({ tenantId, preset: 'custom', since: '2026-01-01', until: '2026-01-02' }),
    ).rejects.toMatchObject({ code: 'META_UNAVAILABLE' });
  });
});
