/**
 * Benchmark: the Marketing Hub report (`marketing.report`, one per view) over one tenant with LEADS leads (default
 * 1,000,000; `BENCH_LEADS` to change; half from Meta over 50 campaigns × 20 ads), LEADS/5 opportunities and 70,000
 * sales at 1M (libs/testing/src/crm-seed.ts; 10% of them in USD, converted with one dated USD→MXN rate), through the real
 * crm-service, meta-ads-service and marketing-service processes over real NATS, with the Meta sandbox answering every
 * Graph call after 300 ms (`SANDBOX_LATENCY_MS`).
 * - The read model is filled by the rebuild command (`npm run rebuild:marketing`, timed).
 * - For last_90d and this_year, both views: cold (the insights cache emptied before each call) ≤ 1 s; warm p95 ≤ 100 ms.
 * - Baseline of the same run, per range and view: the CRM facts the report reads from its read model — per ad ×
 *   currency for the range and per day × currency (the daily series), in that view — computed instead by one SQL
 *   statement over the CRM's raw tables (leads, opportunities, sales_transactions; the CRM's indexes; as the app role
 *   under row-level security; bench/report-baseline.ts), its totals checked against the report's: the warm report
 *   must be ≥ 10× faster than it (p50). The baseline has no NATS hop and no Meta half: it is only the CRM half.
 * `BENCH_KEEP_DATABASE=1` keeps the database (its URL is printed).
 *
 * Run: npm run bench:report   (node -r @swc-node/register bench/marketing-report.bench.ts)
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { Rpc, parseJsonText, type RangePreset, type ReportView } from '@crm/contracts';
import {
  REPO_ROOT,
  RpcTestClient,
  connectTenantToSandbox,
  createFreshDatabase,
  dropDatabase,
  freePort,
  startNatsServer,
  startServiceProcess,
  type ServiceHandle,
  rebuildMarketingReadModel,
  seedCrmTenant,
  timed,
} from '@crm/testing';
import { rawReportFacts } from './report-baseline';
import { report, runConcurrently, summarise, type LatencySummary } from './support';

const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const LATENCY_MS = Number(process.env.SANDBOX_LATENCY_MS ?? 300);
const WARM_CALLS = 50;
const COLD_CALLS = 5;
const BASELINE_CALLS = 10;
const WARM_TARGET_MS = 100;
const COLD_TARGET_MS = 1000;
const SPEEDUP_TARGET = 10;
const APP_SECRET = 'report-bench-secret';

/** `task` `calls` times one after the other, summarised. */
async function sequential(calls: number, task: () => Promise<unknown>): Promise<LatencySummary> {
  const { samples, totalMs } = await runConcurrently(calls, 1, async () => {
    await task();
  });
  return summarise(samples, totalMs);
}

type SandboxDataset = {
  ids: { appId: string; businessId: string; adAccountId: string; wabaId: string; phoneNumberIds: string[] };
  ads: { adId: string; campaignName: string }[];
};

function table(phase: string): void {
  process.stdout.write(
    `\n${phase}\n| benchmark | calls | p50 ms | p95 ms | p99 ms | target | result | notes |\n|---|---|---|---|---|---|---|---|`,
  );
}

async function main(): Promise<void> {
  const database = await createFreshDatabase('report_bench');
  const nats = await startNatsServer();
  const rpc = new RpcTestClient(nats.url);
  const db = new Client({ connectionString: database.url });
  await db.connect();
  // The baseline runs as the services do: the app role, under row-level security.
  const app = new Client({ connectionString: database.appUrl });
  await app.connect();
  const services: ServiceHandle[] = [];
  const tenantId = randomUUID();
  try {
    const sandboxPort = await freePort();
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    services.push(
      await startServiceProcess(
        'meta-sandbox',
        {
          SANDBOX_PORT: String(sandboxPort),
          META_APP_SECRET: APP_SECRET,
          SANDBOX_LATENCY_MS: String(LATENCY_MS),
          SANDBOX_EXTRA_CAMPAIGNS: '50x20',
        },
        {
          script: join(REPO_ROOT, 'tools/meta-sandbox/src/main.ts'),
          healthUrl: `${sandboxUrl}/_sandbox/health`,
        },
      ),
    );
    const dataset = (await (await fetch(`${sandboxUrl}/_sandbox/dataset`)).json()) as SandboxDataset;
    const benchAds = dataset.ads
      .filter((ad) => ad.campaignName.startsWith('Leads · Extra'))
      .map((ad) => ad.adId);
    process.stdout.write(`sandbox: ${benchAds.length} bench ads, ${LATENCY_MS} ms per Graph call\n`);

    const seeded = await seedCrmTenant(db, tenantId, { leads: LEADS, setters: 10, adIds: benchAds });
    process.stdout.write(`seeded ${JSON.stringify(seeded.counts)}\n`);

    const common = { DATABASE_URL: database.appUrl, NATS_URL: nats.url, LOG_LEVEL: 'warn' };
    services.push(
      ...(await Promise.all([
        startServiceProcess('crm-service', { ...common, HTTP_PORT: String(await freePort()) }),
        startServiceProcess('meta-ads-service', {
          ...common,
          HTTP_PORT: String(await freePort()),
          META_GRAPH_URL: sandboxUrl,
          META_GRAPH_VERSION: 'v23.0',
          META_APP_ID: dataset.ids.appId,
          META_APP_SECRET: APP_SECRET,
          TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        }),
        startServiceProcess('marketing-service', { ...common, HTTP_PORT: String(await freePort()) }),
      ])),
    );
    await timed('connect the tenant to the sandbox (catalogue sync)', () =>
      connectTenantToSandbox(rpc, sandboxUrl, tenantId, dataset.ids),
    );
    await rpc.call(Rpc.marketing.putFxRate, {
      tenantId,
      rate: { day: '2024-01-01', from: 'USD', to: 'MXN', rate: 17.5 },
    });

    const rebuildSeconds = await timed('rebuild the read model (npm run rebuild:marketing)', async () => {
      process.stdout.write(await rebuildMarketingReadModel(tenantId, common));
    });
    // As autovacuum would after a rebuild (it is off on some test machines): the read model's tables with statistics.
    await timed('analyze the read model', () =>
      db.query(
        `ANALYZE marketing.attribution_daily, marketing.attribution_monthly, marketing.attribution_day_totals`,
      ),
    );
    const facts = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM marketing.attribution_daily WHERE tenant_id = $1`,
      [tenantId],
    );

    const coldReport = async (preset: RangePreset, view: ReportView) => {
      await db.query(`DELETE FROM meta_ads.insights_cache WHERE tenant_id = $1`, [tenantId]);
      const t0 = performance.now();
      await rpc.call(Rpc.marketing.report, { tenantId, preset, view }, 60_000);
      return performance.now() - t0;
    };

    const rows: { name: string; target: string; summary: LatencySummary; met: boolean; note: string }[] = [];
    for (const preset of ['last_90d', 'this_year'] as const) {
      const sample = parseJsonText(await rpc.call(Rpc.marketing.report, { tenantId, preset }, 60_000));
      const { since, until, timezone } = sample.range;
      const bounds = await db.query<{ since: Date; until: Date }>(
        `SELECT ($1::date::timestamp AT TIME ZONE $3) AS since, (($2::date + 1)::timestamp AT TIME ZONE $3) AS until`,
        [since, until, timezone],
      );
      const { since: start, until: end } = bounds.rows[0];

      for (const view of ['period', 'cohort'] as const) {
        // Baseline: the same CRM facts from the raw tables (bench/report-baseline.ts).
        const raw = await rawReportFacts(app, tenantId, view, start, end, timezone);
        const baseline = await sequential(BASELINE_CALLS, () =>
          rawReportFacts(app, tenantId, view, start, end, timezone),
        );
        const rawByAd = raw.filter((row) => row.by_ad);
        const rawTotals = {
          leads: rawByAd.reduce((n, row) => n + row.leads, 0),
          sales: rawByAd.reduce((n, row) => n + row.sales, 0),
        };
        rows.push({
          name: `baseline: the report's CRM facts from the raw tables (SQL), ${preset} ${view}`,
          target: '—',
          summary: baseline,
          met: true,
          note:
            `${since}…${until}; ${rawByAd.length.toLocaleString('en')} ad × currency rows, ` +
            `${(raw.length - rawByAd.length).toLocaleString('en')} day × currency rows`,
        });

        const cold: number[] = [];
        for (let i = 0; i < COLD_CALLS; i++) cold.push(await coldReport(preset, view));
        const coldSummary = summarise(
          cold,
          cold.reduce((a, b) => a + b, 0),
        );
        rows.push({
          name: `report ${preset} ${view}, cold (insights not cached)`,
          target: `≤ ${COLD_TARGET_MS} ms`,
          summary: coldSummary,
          met: coldSummary.max <= COLD_TARGET_MS,
          note: `max ${coldSummary.max.toFixed(0)} ms; Meta: 2 Graph calls of ${LATENCY_MS} ms at once (ads: one page; account days)`,
        });
        for (let i = 0; i < 3; i++) await rpc.call(Rpc.marketing.report, { tenantId, preset, view }, 60_000);
        let last = sample;
        const warm = await sequential(WARM_CALLS, async () => {
          last = parseJsonText(await rpc.call(Rpc.marketing.report, { tenantId, preset, view }, 60_000));
        });
        const speedup = baseline.p50 / warm.p50;
        const same = last.kpis.leads === rawTotals.leads && last.kpis.sales === rawTotals.sales;
        rows.push({
          name: `report ${preset} ${view}, warm`,
          target: `p95 ≤ ${WARM_TARGET_MS} ms; ≥ ${SPEEDUP_TARGET}× baseline`,
          summary: warm,
          met: warm.p95 <= WARM_TARGET_MS && speedup >= SPEEDUP_TARGET && same,
          note:
            `${speedup.toFixed(1)}× faster than the baseline (p50); ${last.kpis.leads.toLocaleString('en')} leads, ` +
            `${last.kpis.sales.toLocaleString('en')} sales, ${last.campaigns.length} campaigns, ${last.daily.length} days` +
            (same
              ? ' (= the baseline)'
              : `; NOT the baseline's ${rawTotals.leads} leads, ${rawTotals.sales} sales`) +
            `; reply ${(JSON.stringify(last).length / 1024).toFixed(0)} KB`,
        });
      }
    }

    table(
      `Marketing report — ${LEADS.toLocaleString('en')} leads, ${seeded.counts.opportunities.toLocaleString('en')} ` +
        `opportunities, ${seeded.counts.sales.toLocaleString('en')} sales, ${benchAds.length} ads; read model ` +
        `${facts.rows[0].n.toLocaleString('en')} daily rows, rebuilt in ${rebuildSeconds.toFixed(1)} s`,
    );
    for (const row of rows) report(row.name, row.target, row.summary, row.met, row.note);
  } catch (error) {
    for (const service of services) {
      process.stderr.write(
        `--- ${service.name} (last lines) ---\n${service.output().split('\n').slice(-15).join('\n')}\n`,
      );
    }
    throw error;
  } finally {
    await rpc.close();
    await Promise.allSettled(services.map((service) => service.stop()));
    await db.end();
    await app.end();
    await nats.stop();
    if (process.env.BENCH_KEEP_DATABASE === '1') process.stdout.write(`kept database: ${database.url}\n`);
    else await dropDatabase(database.name);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
