/**
 * Benchmark: `crm.leads.list` — the lead list a team works all day — over one tenant with LEADS leads (default
 * 1,000,000; `BENCH_LEADS` to change), through the real crm-service over real NATS, as a ceo (sees every lead) and
 * as a setter (sees theirs). Measures the first page, each single filter and search by name fragment, phone and
 * email; the same searches without the pg_trgm indexes first, as the baseline of the same run.
 * Targets: first page and single filter p95 ≤ 50 ms; search p95 ≤ 100 ms.
 *
 * Run: node -r @swc-node/register bench/lead-list.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Rpc, type ListLeadsRequest } from '@crm/contracts';
import {
  RpcTestClient,
  createFreshDatabase,
  dropDatabase,
  freePort,
  startNatsServer,
  startServiceProcess,
} from '@crm/testing';
import { report, runConcurrently, summarise } from './support';

const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const CALLS = 30;
const LIST_TARGET_MS = 50;
const SEARCH_TARGET_MS = 100;
const TRIGRAM_INDEXES = ['leads_name_trgm_idx', 'leads_email_trgm_idx', 'leads_phone_trgm_idx'];

const FIRST = ['Ana', 'Luis', 'María', 'José', 'Sofía', 'Carlos', 'Lucía', 'Jorge', 'Elena', 'Miguel'];
const LAST = ['García', 'Hernández', 'López', 'Martínez', 'González', 'Pérez', 'Rodríguez', 'Sánchez'];
const SECOND = ['Torres', 'Ruiz', 'Flores', 'Rivera', 'Gómez', 'Díaz', 'Cruz', 'Morales', 'Reyes', 'Vargas'];

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;

async function timed(label: string, work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${label}: ${seconds.toFixed(1)} s\n`);
  return seconds;
}

/**
 * The tenant, 5 setters, and LEADS leads in one INSERT … SELECT generate_series (the list's secondary indexes are
 * dropped first and rebuilt after: one sort per index instead of a million index insertions each).
 */
async function seed(db: Client, tenantId: string, setters: string[]): Promise<Record<string, string>> {
  await db.query(
    `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'Bench', 'MXN', 'America/Mexico_City')`,
    [tenantId],
  );
  for (const [i, id] of setters.entries()) {
    await db.query(
      `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash)
       VALUES ($1, $2, $3, $4, 'setter', 'x')`,
      [id, tenantId, `setter${i}-${tenantId.slice(0, 8)}@bench.test`, `Setter ${i}`],
    );
  }
  const indexes: { indexname: string; indexdef: string }[] = (
    await db.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'crm' AND i.tablename = 'leads'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    )
  ).rows;
  for (const index of indexes) await db.query(`DROP INDEX crm.${index.indexname}`);
  await timed(`insert ${LEADS.toLocaleString('en')} leads`, () =>
    db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, email, status, lead_source, meta_ad_id, meta_campaign_id,
                              assigned_user_id, tags, created_at, updated_at)
       SELECT $1,
              (${sqlArray(FIRST)})[1 + g % ${FIRST.length}] || ' ' ||
              (${sqlArray(LAST)})[1 + (g / ${FIRST.length}) % ${LAST.length}] || ' ' ||
              (${sqlArray(SECOND)})[1 + (g / ${FIRST.length * LAST.length}) % ${SECOND.length}],
              '+5215' || lpad(g::text, 9, '0'),
              'cliente' || g || '@' || (ARRAY['gmail.com', 'hotmail.com', 'yahoo.com.mx', 'outlook.com'])[1 + g % 4],
              (ARRAY['nuevo','contactado','calificado','llamada_agendada','negociacion','cerrado_ganado',
                     'cerrado_perdido'])[1 + g % 7],
              CASE WHEN g % 2 = 0 THEN 'META_ADS' ELSE (ARRAY['WHATSAPP','WEBSITE','REFERRAL','MANUAL'])[1 + g % 4] END,
              CASE WHEN g % 2 = 0 THEN (800000 + g % 100)::text END,
              CASE WHEN g % 2 = 0 THEN (990000 + g % 10)::text END,
              ($3::uuid[])[1 + g % ${setters.length}],
              CASE WHEN g % 50 = 0 THEN ARRAY['vip'] ELSE '{}' END,
              now() - g * interval '1 minute', now() - g * interval '1 minute'
         FROM generate_series(1, $2::int) AS g`,
      [tenantId, LEADS, setters],
    ),
  );
  const byName: Record<string, string> = {};
  for (const index of indexes) {
    byName[index.indexname] = index.indexdef;
    if (TRIGRAM_INDEXES.includes(index.indexname)) continue;
    await timed(`create ${index.indexname}`, () => db.query(index.indexdef));
  }
  await db.query('ANALYZE crm.leads');
  return byName;
}

type Case = { name: string; query: Omit<ListLeadsRequest, 'tenantId'>; search?: boolean; asSetter?: boolean };

function cases(setters: string[]): Case[] {
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
  return [
    { name: 'first page (keyset, no total)', query: { withTotal: false } },
    { name: 'first page with exact total (page mode)', query: {} },
    { name: 'next page by cursor', query: { withTotal: false } }, // cursor filled in at run time
    { name: 'setter: first page of own leads', query: { withTotal: false }, asSetter: true },
    { name: 'filter status', query: { status: 'negociacion', withTotal: false } },
    { name: 'filter source', query: { source: 'WEBSITE', withTotal: false } },
    { name: 'filter campaign id', query: { campaignId: '990004', withTotal: false } },
    { name: 'filter ad id', query: { adId: '800042', withTotal: false } },
    { name: 'filter assigned seller', query: { assignedUserId: setters[2], withTotal: false } },
    { name: 'filter tag', query: { tag: 'vip', withTotal: false } },
    { name: 'filter created range (7 days)', query: { createdFrom: weekAgo, withTotal: false } },
    { name: 'sort by name', query: { sort: 'name', withTotal: false } },
    { name: 'sort by status', query: { sort: 'status', withTotal: false } },
    { name: 'search name fragment "rez Cru"', query: { search: 'rez Cru', withTotal: false }, search: true },
    {
      name: 'search phone digits "0001 2345"',
      query: { search: '0001 2345', withTotal: false },
      search: true,
    },
    {
      name: 'search email "cliente98765@"',
      query: { search: 'cliente98765@', withTotal: false },
      search: true,
    },
  ];
}

/**
 * The list's search SQL run straight as the database owner, to which row-level security does not apply (a superuser
 * here): shows what the trigram indexes do when PostgreSQL may use them (see docs/BENCHMARKS.md on RLS).
 */
async function runOwnerSearches(db: Client, tenantId: string, phase: string): Promise<void> {
  process.stdout.write(
    `\n${phase}\n| benchmark | calls | p50 ms | p95 ms | p99 ms | target | result | notes |\n|---|---|---|---|---|---|---|---|`,
  );
  for (const [name, text, digits] of [
    ['owner SQL: name fragment "rez Cru"', '%rez Cru%', '%rezCru%'],
    ['owner SQL: phone digits "0001 2345"', '%0001 2345%', '%00012345%'],
    ['owner SQL: email "cliente98765@"', '%cliente98765@%', '%cliente98765@%'],
  ]) {
    const sql = `SELECT l.id FROM crm.leads l
                  WHERE l.tenant_id = $1 AND (l.name ILIKE $2 OR l.email ILIKE $2 OR l.phone ILIKE $3)
                  ORDER BY l.created_at DESC, l.id DESC LIMIT 26`;
    await db.query(sql, [tenantId, text, digits]);
    const { samples, totalMs } = await runConcurrently(CALLS, 1, async () => {
      await db.query(sql, [tenantId, text, digits]);
    });
    const summary = summarise(samples, totalMs);
    report(name, `p95 ≤ ${SEARCH_TARGET_MS} ms`, summary, summary.p95 <= SEARCH_TARGET_MS);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const database = await createFreshDatabase('crm_bench');
  const nats = await startNatsServer();
  const tenantId = randomUUID();
  const setters = Array.from({ length: 5 }, () => randomUUID());
  const port = await freePort();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  let service: Awaited<ReturnType<typeof startServiceProcess>> | undefined;
  const rpc = new RpcTestClient(nats.url);
  try {
    const indexDefs = await seed(db, tenantId, setters);
    service = await startServiceProcess('crm-service', {
      DATABASE_URL: database.appUrl,
      NATS_URL: nats.url,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    const second = await rpc.call(Rpc.crm.listLeads, { tenantId, withTotal: false });
    const run = async (phase: string, only: (c: Case) => boolean) => {
      process.stdout.write(
        `\n${phase}\n| benchmark | calls | p50 ms | p95 ms | p99 ms | target | result | notes |\n|---|---|---|---|---|---|---|---|`,
      );
      for (const c of cases(setters).filter(only)) {
        const request: ListLeadsRequest = {
          tenantId,
          ...c.query,
          ...(c.name.startsWith('next page') ? { cursor: second.nextCursor! } : {}),
          ...(c.asSetter ? { viewer: { userId: setters[0], role: 'setter' as const } } : {}),
        };
        for (let i = 0; i < 2; i++) await rpc.call(Rpc.crm.listLeads, request);
        let found = 0;
        const { samples, totalMs } = await runConcurrently(CALLS, 1, async () => {
          found = (await rpc.call(Rpc.crm.listLeads, request)).items.length;
        });
        const summary = summarise(samples, totalMs);
        const target = c.search ? SEARCH_TARGET_MS : LIST_TARGET_MS;
        report(c.name, `p95 ≤ ${target} ms`, summary, summary.p95 <= target, `${found} rows on the page`);
      }
    };
    for (const name of TRIGRAM_INDEXES) await db.query(`DROP INDEX IF EXISTS crm.${name}`);
    await run(
      'baseline: search without the pg_trgm indexes (crm-service, app role under RLS)',
      (c) => c.search === true,
    );
    await runOwnerSearches(db, tenantId, 'baseline: the same search SQL as the owner (RLS not applied)');
    for (const name of TRIGRAM_INDEXES) await timed(`create ${name}`, () => db.query(indexDefs[name]));
    await db.query('ANALYZE crm.leads');
    await run(
      `with every index, ${LEADS.toLocaleString('en')} leads in the tenant (crm-service, app role under RLS)`,
      () => true,
    );
    await runOwnerSearches(
      db,
      tenantId,
      'with the pg_trgm indexes: the same search SQL as the owner (RLS not applied)',
    );
    process.stdout.write(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await rpc.close();
    await service?.stop();
    await db.end();
    await nats.stop();
    await dropDatabase(database.name);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
