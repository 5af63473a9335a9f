/**
 * Benchmark: the CRM a team works all day, over one tenant with LEADS leads (default 1,000,000; `BENCH_LEADS` to
 * change), LEADS/5 opportunities (5,000 pending at 1M) and 70,000 sales at 1M, seeded once (libs/testing/src/crm-seed.ts),
 * through the real crm-service (app role `crm_app`, row-level security forced) over real NATS:
 * - `crm.leads.list`: first page, each single filter, search by name fragment, phone and email
 *   (targets: p95 ≤ 50 ms; search p95 ≤ 100 ms);
 * - `crm.opportunities.board`: the kanban (p95 ≤ 150 ms);
 * - `crm.dashboard.get` (p95 ≤ 100 ms);
 * each as a ceo (the whole tenant) and as a setter (their own). Baselines of the same run come first (see each
 * `baseline` phase). `BENCH_ONLY=leads|board|dashboard` runs one part; `BENCH_KEEP_DATABASE=1` keeps the database
 * (its URL is printed) to look at plans afterwards.
 *
 * Run: npm run bench:crm   (node -r @swc-node/register bench/crm-core.bench.ts)
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Rpc, type ListLeadsRequest, type RpcSubject } from '@crm/contracts';
import {
  RpcTestClient,
  createFreshDatabase,
  dropDatabase,
  freePort,
  startNatsServer,
  startServiceProcess,
  seedCrmTenant,
  type SeededTenant,
} from '@crm/testing';
import { report, runConcurrently, summarise } from './support';

const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const ONLY = process.env.BENCH_ONLY;
const CALLS = 30;
/** Baseline rows take seconds each: fewer calls keep the run short (their p95 is then the 10th slowest of 10). */
const BASELINE_CALLS = 10;
const LIST_TARGET_MS = 50;
const SEARCH_TARGET_MS = 100;
const BOARD_TARGET_MS = 150;
const DASHBOARD_TARGET_MS = 100;

type Measure = <S extends RpcSubject>(
  name: string,
  targetMs: number,
  subject: S,
  request: Parameters<RpcTestClient['call']>[1] & object,
  note?: (reply: Awaited<ReturnType<RpcTestClient['call']>>) => string,
  calls?: number,
) => Promise<void>;

function table(phase: string): void {
  process.stdout.write(
    `\n${phase}\n| benchmark | calls | p50 ms | p95 ms | p99 ms | target | result | notes |\n|---|---|---|---|---|---|---|---|`,
  );
}

type LeadCase = {
  name: string;
  query: Omit<ListLeadsRequest, 'tenantId'>;
  search?: boolean;
  asSetter?: boolean;
};

function leadCases(): LeadCase[] {
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
  return [
    { name: 'first page (keyset, no total)', query: { withTotal: false } },
    { name: 'first page with total (page mode)', query: {} },
    { name: 'next page by cursor', query: { withTotal: false } }, // cursor filled in at run time
    { name: 'setter: first page of own leads', query: { withTotal: false }, asSetter: true },
    { name: 'filter status', query: { status: 'negociacion', withTotal: false } },
    { name: 'filter source', query: { source: 'WEBSITE', withTotal: false } },
    { name: 'filter campaign id', query: { campaignId: '990004', withTotal: false } },
    { name: 'filter ad id', query: { adId: '800042', withTotal: false } },
    { name: 'filter assigned seller', query: { assignedUserId: 'setter:2', withTotal: false } },
    { name: 'filter tag', query: { tag: 'vip', withTotal: false } },
    { name: 'filter created range (7 days)', query: { createdFrom: weekAgo, withTotal: false } },
    { name: 'sort by name', query: { sort: 'name', withTotal: false } },
    { name: 'sort by status', query: { sort: 'status', withTotal: false } },
    { name: 'search name fragment "rez Cru"', query: { search: 'rez Cru', withTotal: false }, search: true },
    {
      name: 'search full name "Elena Sánchez Vargas"',
      query: { search: 'Elena Sánchez Vargas', withTotal: false },
      search: true,
    },
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
    { name: 'search with total "cliente98765@"', query: { search: 'cliente98765@' }, search: true },
    {
      name: 'setter: search full name "Elena Sánchez Vargas"',
      query: { search: 'Elena Sánchez Vargas', withTotal: false },
      search: true,
      asSetter: true,
    },
    // Oldest first, a search still takes every matching id from crm.search_lead_ids and sorts the leads it reads
    // by id, as every search did before crm.search_lead_page: the same-run, same-path comparison.
    {
      name: 'search full name "Elena Sánchez Vargas", oldest first (all ids, as before)',
      query: { search: 'Elena Sánchez Vargas', sort: 'oldest', withTotal: false },
      search: true,
    },
    {
      name: 'search name fragment "rez Cru", oldest first (all ids, as before)',
      query: { search: 'rez Cru', sort: 'oldest', withTotal: false },
      search: true,
    },
    {
      name: 'next page of search "Elena Sánchez Vargas"',
      query: { search: 'Elena Sánchez Vargas', withTotal: false },
      search: true,
    },
  ];
}

/**
 * Search as it was before `crm.search_lead_page` (git history of services/crm-service/src/leads/lead-store.ts), run
 * as `crm_app` in a tenant transaction like `withTenant`: the baseline of the same run. Every matching id from
 * `crm.search_lead_ids` (at most 5,000), then the page read by those ids from `crm.leads` and sorted; past 5,000
 * matches the page matched row by row with ILIKE. `$2` of the page is the setter for a setter's view.
 */
const BEFORE_SEARCH_ID_LIMIT = 5000;
const BEFORE_PAGE = (match: string, seller: boolean) => `
  SELECT l.*, u.name AS assigned_user_name
    FROM crm.leads l
    LEFT JOIN crm.users u ON u.tenant_id = l.tenant_id AND u.id = l.assigned_user_id
   WHERE l.tenant_id = $1${seller ? ' AND l.assigned_user_id = $2' : ''} AND ${match}
   ORDER BY l.created_at DESC, l.id DESC
   LIMIT 26`;

async function searchBaseline(app: Client, tenant: SeededTenant): Promise<void> {
  const { tenantId, setterIds } = tenant;
  table(
    `baseline: search before crm.search_lead_page (all matching ids, then the page by id), as crm_app under row-level security (${BASELINE_CALLS} calls each)`,
  );
  const firstPages = leadCases().filter(
    (c) =>
      c.search === true && c.query.withTotal === false && !c.query.sort && !c.name.startsWith('next page'),
  );
  for (const c of firstPages) {
    const text = `%${c.query.search!}%`;
    const phone = `%${c.query.search!.replace(/[\s\-().]/g, '')}%`;
    const seller = c.asSetter === true;
    let rows = 0;
    const once = async () => {
      await app.query('BEGIN');
      try {
        await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
        const ids: string[] = (
          await app.query(`SELECT crm.search_lead_ids($1, $2, $3) AS id`, [
            text,
            phone,
            BEFORE_SEARCH_ID_LIMIT + 1,
          ])
        ).rows.map((row: { id: string }) => row.id);
        const base = seller ? [tenantId, setterIds[0]] : [tenantId];
        const n = base.length;
        const page =
          ids.length > BEFORE_SEARCH_ID_LIMIT
            ? await app.query(
                BEFORE_PAGE(
                  `(l.name ILIKE $${n + 1} OR l.email ILIKE $${n + 1} OR l.phone ILIKE $${n + 2})`,
                  seller,
                ),
                [...base, text, phone],
              )
            : await app.query(BEFORE_PAGE(`l.id = ANY($${n + 1}::uuid[])`, seller), [...base, ids]);
        rows = Math.min(page.rows.length, 25);
      } finally {
        await app.query('COMMIT');
      }
    };
    for (let i = 0; i < 2; i++) await once();
    const { samples, totalMs } = await runConcurrently(BASELINE_CALLS, 1, once);
    const summary = summarise(samples, totalMs);
    report(
      `before: ${c.name}`,
      `p95 ≤ ${SEARCH_TARGET_MS} ms`,
      summary,
      summary.p95 <= SEARCH_TARGET_MS,
      `${rows} rows on the page`,
    );
  }
}

async function leads(app: Client, tenant: SeededTenant, rpc: RpcTestClient, measure: Measure): Promise<void> {
  const { tenantId, setterIds } = tenant;
  const run = async (only: (c: LeadCase) => boolean, calls = CALLS) => {
    for (const c of leadCases().filter(only)) {
      // A next page starts after the first page of the same query.
      const first = c.name.startsWith('next page')
        ? await rpc.call(Rpc.crm.listLeads, { tenantId, ...c.query })
        : undefined;
      const request: ListLeadsRequest = {
        tenantId,
        ...c.query,
        ...(c.query.assignedUserId ? { assignedUserId: setterIds[2] } : {}),
        ...(first ? { cursor: first.nextCursor! } : {}),
        ...(c.asSetter ? { viewer: { userId: setterIds[0], role: 'setter' as const } } : {}),
      };
      await measure(
        c.name,
        c.search ? SEARCH_TARGET_MS : LIST_TARGET_MS,
        Rpc.crm.listLeads,
        request,
        (reply) => {
          const page = reply as { items: unknown[]; total: number | null };
          return `${page.items.length} rows on the page${page.total === null ? '' : `, total ${page.total}`}`;
        },
        calls,
      );
    }
  };
  await searchBaseline(app, tenant);
  table(`crm.leads.list, ${LEADS.toLocaleString('en')} leads in the tenant`);
  await run(() => true);
}

/**
 * The statements the kanban and the dashboard ran before crm.opportunity_totals and the per-column index walks
 * (git history of services/crm-service/src/leads/opportunity-store.ts), run as `crm_app` in a tenant transaction
 * like `withTenant`: the baseline of the same run. `$2` is the seller for a setter's view.
 */
const BEFORE_VISIBLE = (seller: boolean) =>
  `o.tenant_id = $1${seller ? ' AND (o.owner_user_id = $2 OR l.assigned_user_id = $2)' : ''}`;
const BEFORE_TOTALS = (seller: boolean) => `
  SELECT o.status, o.currency, count(*)::int AS n, sum(o.value)::text AS value
    FROM crm.opportunities o
    JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
   WHERE ${BEFORE_VISIBLE(seller)}
   GROUP BY 1, 2
   ORDER BY sum(o.value) DESC, 2`;
const BEFORE_CARDS = (seller: boolean) => `
  SELECT * FROM (
    SELECT v.*, row_number() OVER (PARTITION BY v.status ORDER BY v.deadline ASC NULLS LAST, v.created_at DESC, v.id DESC) AS rank
      FROM (SELECT o.id, o.lead_id, o.title, o.value, o.currency, o.status, o.deadline, o.owner_user_id, o.lost_reason,
                   o.closed_at, o.created_at, o.updated_at, l.name AS lead_name, u.name AS owner_name
              FROM crm.opportunities o
              JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
              LEFT JOIN crm.users u ON u.tenant_id = o.tenant_id AND u.id = o.owner_user_id
             WHERE ${BEFORE_VISIBLE(seller)}) v
  ) ranked
  WHERE rank <= 20
  ORDER BY status, rank`;

async function boardBaseline(app: Client, tenant: SeededTenant): Promise<void> {
  const { tenantId, setterIds } = tenant;
  table(
    `baseline: the pipeline statements before this change, as crm_app under row-level security (${BASELINE_CALLS} calls each)`,
  );
  for (const [name, statements, seller] of [
    ['before: pipeline totals (kanban and dashboard), ceo', [BEFORE_TOTALS(false)], false],
    ['before: pipeline totals, a setter', [BEFORE_TOTALS(true)], true],
    ['before: kanban (totals + cards), ceo', [BEFORE_TOTALS(false), BEFORE_CARDS(false)], false],
    ['before: kanban (totals + cards), a setter', [BEFORE_TOTALS(true), BEFORE_CARDS(true)], true],
  ] as const) {
    const params = seller ? [tenantId, setterIds[1]] : [tenantId];
    const once = async () => {
      await app.query('BEGIN');
      try {
        await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
        for (const sql of statements) await app.query(sql, params);
      } finally {
        await app.query('COMMIT');
      }
    };
    await once();
    const { samples, totalMs } = await runConcurrently(BASELINE_CALLS, 1, once);
    const summary = summarise(samples, totalMs);
    const target = name.includes('kanban') ? BOARD_TARGET_MS : DASHBOARD_TARGET_MS;
    report(name, `p95 ≤ ${target} ms`, summary, summary.p95 <= target);
  }
}

async function board(tenant: SeededTenant, measure: Measure, phase: string): Promise<void> {
  const { tenantId, ceoId, setterIds } = tenant;
  table(phase);
  const note = (reply: unknown) => {
    const columns = (reply as { columns: { status: string; count: number; cards: unknown[] }[] }).columns;
    return columns.map((c) => `${c.status} ${c.count} (${c.cards.length} cards)`).join(', ');
  };
  await measure(
    'kanban as ceo (whole tenant)',
    BOARD_TARGET_MS,
    Rpc.crm.opportunityBoard,
    { tenantId, actorUserId: ceoId, actorRole: 'ceo' },
    note,
  );
  await measure(
    'kanban as a setter (own)',
    BOARD_TARGET_MS,
    Rpc.crm.opportunityBoard,
    { tenantId, actorUserId: setterIds[1], actorRole: 'setter' },
    note,
  );
}

async function dashboard(tenant: SeededTenant, measure: Measure, phase: string): Promise<void> {
  const { tenantId, ceoId, setterIds } = tenant;
  table(phase);
  const note = (reply: unknown) => {
    const d = reply as {
      pipeline: { status: string; count: number }[];
      revenue: { thisMonth: { sales: number } };
      leads: { total: number };
    };
    return `${d.pipeline.map((p) => `${p.status} ${p.count}`).join(', ')}; ${d.revenue.thisMonth.sales} sales this month; ${d.leads.total} leads in 30 days`;
  };
  await measure(
    'dashboard as ceo (whole tenant)',
    DASHBOARD_TARGET_MS,
    Rpc.crm.dashboard,
    { tenantId, actorUserId: ceoId, actorRole: 'ceo' },
    note,
  );
  await measure(
    'dashboard as a setter (own)',
    DASHBOARD_TARGET_MS,
    Rpc.crm.dashboard,
    { tenantId, actorUserId: setterIds[1], actorRole: 'setter' },
    note,
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const database = await createFreshDatabase('crm_bench');
  const nats = await startNatsServer();
  const port = await freePort();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const app = new Client({ connectionString: database.appUrl });
  await app.connect();
  let service: Awaited<ReturnType<typeof startServiceProcess>> | undefined;
  const rpc = new RpcTestClient(nats.url);
  try {
    const tenant = await seedCrmTenant(db, randomUUID(), { leads: LEADS, setters: 5 });
    process.stdout.write(`seeded: ${JSON.stringify(tenant.counts)}\n`);
    service = await startServiceProcess('crm-service', {
      DATABASE_URL: database.appUrl,
      NATS_URL: nats.url,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    const measure: Measure = async (name, targetMs, subject, request, note, calls = CALLS) => {
      for (let i = 0; i < 2; i++) await rpc.call(subject, request as never, 30_000);
      let last: unknown;
      const { samples, totalMs } = await runConcurrently(calls, 1, async () => {
        last = await rpc.call(subject, request as never, 30_000);
      });
      const summary = summarise(samples, totalMs);
      report(name, `p95 ≤ ${targetMs} ms`, summary, summary.p95 <= targetMs, note ? note(last as never) : '');
    };
    if (!ONLY || ONLY === 'leads') await leads(app, tenant, rpc, measure);
    if (!ONLY || ONLY === 'board' || ONLY === 'dashboard') await boardBaseline(app, tenant);
    if (!ONLY || ONLY === 'board') {
      await board(tenant, measure, `crm.opportunities.board, ${tenant.counts.opportunities} opportunities`);
    }
    if (!ONLY || ONLY === 'dashboard') {
      await dashboard(tenant, measure, `crm.dashboard.get, ${tenant.counts.sales} sales`);
    }
    process.stdout.write(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await rpc.close();
    await service?.stop();
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
