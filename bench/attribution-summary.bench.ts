/**
 * Benchmark: `crm.attribution.summary` — the CRM side of every Marketing Hub report — over a tenant with
 * 100,000 leads (half Meta-attributed over 30 ads), 35,000 opportunities and 10,000 sales, through the real
 * crm-service over real NATS. Target: p95 < 300 ms for a 90-day and a 365-day range.
 *
 * Run: node -r @swc-node/register bench/attribution-summary.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Rpc } from '@crm/contracts';
import {
  RpcTestClient,
  createFreshDatabase,
  dropDatabase,
  freePort,
  startNatsServer,
  startServiceProcess,
} from '@crm/testing';
import { report, runConcurrently, summarise } from './support';

const LEADS = 100_000;
const TARGET_P95_MS = 300;

async function seed(databaseUrl: string, tenantId: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'Bench', 'MXN', 'America/Mexico_City')`,
      [tenantId],
    );
    await db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, status, lead_source, meta_ad_id, meta_adset_id, meta_campaign_id, created_at)
       SELECT $1, 'Lead ' || g, '+5215' || lpad(g::text, 9, '0'), 'nuevo',
              CASE WHEN g % 2 = 0 THEN 'META_ADS' ELSE 'WEBSITE' END,
              CASE WHEN g % 2 = 0 THEN (800 + g % 30)::text END,
              CASE WHEN g % 2 = 0 THEN (900 + g % 6)::text END,
              CASE WHEN g % 2 = 0 THEN (990 + g % 3)::text END,
              now() - ((g % 365) || ' days')::interval - ((g % 1440) || ' minutes')::interval
         FROM generate_series(1, $2::int) AS g`,
      [tenantId, LEADS],
    );
    await db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, status, created_at)
       SELECT tenant_id, id, 'Oportunidad', 10000 + (random() * 90000)::int, 'MXN',
              CASE WHEN random() < 0.3 THEN 'won' ELSE 'pending' END, created_at + interval '1 day'
         FROM crm.leads WHERE tenant_id = $1 AND random() < 0.35`,
      [tenantId],
    );
    await db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, opportunity_id, amount, currency, status, completed_at)
       SELECT tenant_id, lead_id, id, value, currency, 'completed', created_at + interval '3 days'
         FROM crm.opportunities WHERE tenant_id = $1 AND status = 'won'`,
      [tenantId],
    );
    await db.query('ANALYZE crm.leads, crm.opportunities, crm.sales_transactions');
    const counts = await db.query(
      `SELECT (SELECT count(*) FROM crm.leads WHERE tenant_id = $1) AS leads,
              (SELECT count(*) FROM crm.opportunities WHERE tenant_id = $1) AS opportunities,
              (SELECT count(*) FROM crm.sales_transactions WHERE tenant_id = $1) AS sales`,
      [tenantId],
    );
    process.stdout.write(`seeded ${JSON.stringify(counts.rows[0])}\n`);
  } finally {
    await db.end();
  }
}

async function main(): Promise<void> {
  const database = await createFreshDatabase('crm_bench');
  const nats = await startNatsServer();
  const tenantId = randomUUID();
  const port = await freePort();
  let service: Awaited<ReturnType<typeof startServiceProcess>> | undefined;
  const rpc = new RpcTestClient(nats.url);
  try {
    await seed(database.url, tenantId);
    service = await startServiceProcess('crm-service', {
      DATABASE_URL: database.appUrl,
      NATS_URL: nats.url,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    const now = Date.now();
    process.stdout.write(
      '\n| benchmark | calls | p50 ms | p95 ms | p99 ms | target | result | notes |\n|---|---|---|---|---|---|---|---|',
    );
    for (const days of [90, 365]) {
      const request = {
        tenantId,
        since: new Date(now - days * 86_400_000).toISOString(),
        until: new Date(now).toISOString(),
      };
      for (let i = 0; i < 3; i++) await rpc.call(Rpc.crm.attributionSummary, request);
      let leads = 0;
      const { samples, totalMs } = await runConcurrently(50, 1, async () => {
        const result = await rpc.call(Rpc.crm.attributionSummary, request);
        leads = result.rows.reduce((n, row) => n + row.leads, 0);
      });
      const summary = summarise(samples, totalMs);
      report(
        `attribution summary, ${days}-day range`,
        `p95 < ${TARGET_P95_MS} ms`,
        summary,
        summary.p95 < TARGET_P95_MS,
        `${LEADS.toLocaleString('en')} leads in tenant, ${leads.toLocaleString('en')} attributed in range`,
      );
    }
  } finally {
    await rpc.close();
    await service?.stop();
    await nats.stop();
    await dropDatabase(database.name);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
