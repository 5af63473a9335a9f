import { Rpc } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { DateTime } from 'luxon';
import { BREAKER_RESET_MS, startMetaAdsTestApp, type MetaAdsTestApp } from './meta-ads-test-app';

type SandboxInsightRow = { ad_id: string; spend: string; impressions: string };
type SandboxRun = {
  id: string;
  level: string;
  polls: number;
  pollsToComplete: number;
  status: string;
  timeRange: string | null;
};

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('meta-ads-service: insights through asynchronous report runs (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
  });

  afterAll(async () => {
    await svc?.close();
  });

  afterEach(async () => {
    await svc.control('/insights/async', {
      pollsToComplete: 3,
      fail: 'Job Failed',
      count: 0,
      syncTooMuchData: false,
    });
    await svc.releaseAll();
    await new Promise((r) => setTimeout(r, BREAKER_RESET_MS + 100));
  });

  const lastDays = (timezone: string, days: number) => {
    const today = DateTime.now().setZone(timezone).startOf('day');
    return { since: today.minus({ days: days - 1 }).toISODate()!, until: today.toISODate()! };
  };
  const runs = async () => (await svc.control<{ data: SandboxRun[] }>('/insights/report-runs')).data;
  /** The sandbox's own synchronous answer for the range, summed. */
  const metaTotals = async (range: { since: string; until: string }) => {
    await svc.control('/insights/async', { syncTooMuchData: false });
    const rows = await svc.graphList<SandboxInsightRow>(
      `${svc.ids.adAccountId}/insights`,
      await svc.mintToken(),
      {
        level: 'ad',
        fields: 'ad_id,spend,impressions',
        time_range: JSON.stringify(range),
        limit: '200',
      },
    );
    return {
      spend: sum(rows.map((r) => Number(r.spend))),
      impressions: sum(rows.map((r) => Number(r.impressions))),
    };
  };

  it('a range longer than 400 days is read with a report run, polled to completion; totals equal the sync ones', async () => {
    const { tenantId, status } = await svc.connectTenant();
    const range = lastDays(status.adAccount!.timezone, 450);
    const before = (await runs()).length;
    const result = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }, 20_000);
    const created = (await runs()).slice(before);
    // One run for the ads over the range, one for the account's spend per day (the report's daily series).
    expect(created.map((run) => run.level).sort()).toEqual(['account', 'ad']);
    for (const run of created) {
      expect(run).toEqual(
        expect.objectContaining({ status: 'Job Completed', polls: 3, timeRange: JSON.stringify(range) }),
      );
    }
    const expected = await metaTotals(range);
    expect(expected.spend).toBeGreaterThan(0);
    expect(sum(result.rows.map((r) => r.spend))).toBeCloseTo(expected.spend, 2);
    expect(sum(result.rows.map((r) => r.impressions))).toBe(expected.impressions);
    expect(result.rows.map((r) => r.adId).sort()).toEqual([...svc.ids.adIds].sort());
  }, 30_000);

  it('a year read synchronously: no report run', async () => {
    const { tenantId, status } = await svc.connectTenant();
    const before = (await runs()).length;
    await svc.rpc.call(
      Rpc.meta.adInsights,
      { tenantId, ...lastDays(status.adAccount!.timezone, 366) },
      20_000,
    );
    expect(await runs()).toHaveLength(before);
  }, 30_000);

  it('when the synchronous read answers "reduce the amount of data" (code 1), a report run is used instead', async () => {
    const { tenantId, status } = await svc.connectTenant();
    const range = lastDays(status.adAccount!.timezone, 30);
    await svc.control('/insights/async', { syncTooMuchData: true, pollsToComplete: 5 });
    const before = (await runs()).length;
    const result = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }, 20_000);
    expect(result.stale).toBe(false);
    expect((await runs()).slice(before)).toEqual([
      expect.objectContaining({ status: 'Job Completed', polls: 5 }),
      expect.objectContaining({ status: 'Job Completed', polls: 5 }),
    ]);
    expect(sum(result.rows.map((r) => r.spend))).toBeCloseTo((await metaTotals(range)).spend, 2);
  }, 30_000);

  it('a run Meta ends as "Job Failed" or "Job Skipped" → META_UNAVAILABLE naming it; a warm cache is served stale', async () => {
    const { tenantId, status } = await svc.connectTenant();
    const range = lastDays(status.adAccount!.timezone, 410);
    await svc.control('/insights/async', { fail: 'Job Failed', count: 1 });
    const failed = await rpcError(svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }, 20_000));
    expect(failed).toMatchObject({
      code: 'META_UNAVAILABLE',
      message: 'Meta\'s insights report run ended as "Job Failed"; retry later',
      details: { reason: 'report_run_failed', asyncStatus: 'Job Failed', metaCode: 1 },
    });
    expect(failed.details?.reportRunId).toMatch(/^\d+$/);

    const fresh = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }, 20_000);
    await svc.ageInsightsCache(tenantId, 20);
    await svc.control('/insights/async', { fail: 'Job Skipped', count: 1 });
    const stale = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }, 20_000);
    expect(stale.stale).toBe(true);
    expect(stale.rows).toEqual(fresh.rows);
  }, 30_000);
});
