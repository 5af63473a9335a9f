/**
 * One tenant for the CRM benchmarks (bench/crm-core, marketing-report and load), seeded once: LEADS leads,
 * one opportunity for every fifth lead (5,000 pending, 70,000 won, the rest lost) and one sale for each won
 * opportunity (every 20th refunded). All in `INSERT … SELECT generate_series` statements as the database owner; the
 * lead table's secondary indexes are dropped first and rebuilt after (one sort per index instead of a million index
 * insertions each), and the search table is filled by the same statement trigger the service's writes use.
 */
import type { Client } from 'pg';

export type SeedSize = {
  leads: number;
  setters: number;
  /** The ads Meta leads point at, round robin (default: 100 made-up ids, 800000…800099). */
  adIds?: readonly string[];
};

export type SeededTenant = {
  tenantId: string;
  ceoId: string;
  setterIds: string[];
  counts: { leads: number; opportunities: number; pending: number; won: number; sales: number };
};

const FIRST = ['Ana', 'Luis', 'María', 'José', 'Sofía', 'Carlos', 'Lucía', 'Jorge', 'Elena', 'Miguel'];
const LAST = ['García', 'Hernández', 'López', 'Martínez', 'González', 'Pérez', 'Rodríguez', 'Sánchez'];
const SECOND = ['Torres', 'Ruiz', 'Flores', 'Rivera', 'Gómez', 'Díaz', 'Cruz', 'Morales', 'Reyes', 'Vargas'];

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;

/** Run `work`, print how long it took, answer its seconds. */
export async function timed(label: string, work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${label}: ${seconds.toFixed(1)} s\n`);
  return seconds;
}

async function count(db: Client, sql: string, params: unknown[]): Promise<number> {
  return (await db.query<{ n: number }>(sql, params)).rows[0].n;
}

/** `db` is the owner (a superuser here): row-level security does not apply to it. */
export async function seedCrmTenant(db: Client, tenantId: string, size: SeedSize): Promise<SeededTenant> {
  const setterIds = Array.from({ length: size.setters }, () => crypto.randomUUID());
  const ceoId = crypto.randomUUID();
  await db.query(
    `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'Bench', 'MXN', 'America/Mexico_City')`,
    [tenantId],
  );
  for (const [i, [id, role]] of [[ceoId, 'ceo'], ...setterIds.map((s) => [s, 'setter'])].entries()) {
    await db.query(
      `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, 'x')`,
      [id, tenantId, `${role}${i}-${tenantId.slice(0, 8)}@bench.test`, `${role} ${i}`, role],
    );
  }

  // Only for a big seed: a small one (the test command's) leaves the shared test database's indexes alone.
  const indexes: { indexname: string; indexdef: string }[] =
    size.leads < 50_000
      ? []
      : (
          await db.query(
            `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'crm' AND i.tablename IN ('leads', 'lead_search')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
          )
        ).rows;
  for (const index of indexes) await db.query(`DROP INDEX crm.${index.indexname}`);
  await timed(`insert ${size.leads.toLocaleString('en')} leads (and their search rows)`, () =>
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
              CASE WHEN g % 2 = 0 THEN coalesce(($4::text[])[1 + (g / 2) % greatest(cardinality($4::text[]), 1)],
                                                (800000 + g % 100)::text) END,
              CASE WHEN g % 2 = 0 THEN (990000 + g % 10)::text END,
              ($3::uuid[])[1 + g % ${size.setters}],
              CASE WHEN g % 50 = 0 THEN ARRAY['vip'] ELSE '{}' END,
              now() - g * interval '1 minute', now() - g * interval '1 minute'
         FROM generate_series(1, $2::int) AS g`,
      [tenantId, size.leads, setterIds, size.adIds ?? []],
    ),
  );
  for (const index of indexes) await timed(`create ${index.indexname}`, () => db.query(index.indexdef));

  // One lead in each run of five (newest first; a different setter's each time) has one opportunity, k = 1, 2, …:
  // (k / 5) % 40 = 0 pending, 1–14 won, else lost (so each setter has some of each).
  await timed('insert opportunities', () =>
    db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, status, deadline, owner_user_id,
                                      lost_reason, created_at, closed_at, updated_at)
       SELECT l.tenant_id, l.id, 'Oportunidad ' || l.k, 1000 + (l.k * 7919) % 90000,
              CASE WHEN l.k % 10 = 3 THEN 'USD' ELSE 'MXN' END, s.status,
              CASE WHEN s.status = 'pending' AND l.k % 7 <> 0 THEN now() + ((l.k / 40) % 90 - 20) * interval '1 day' END,
              l.assigned_user_id,
              CASE WHEN s.status = 'lost' THEN 'precio' END,
              l.created_at + interval '1 hour',
              CASE WHEN s.status <> 'pending' THEN l.created_at + interval '3 days' END,
              l.created_at + interval '3 days'
         FROM (SELECT id, tenant_id, assigned_user_id, created_at, n / 5 AS k
                 FROM (SELECT id, tenant_id, assigned_user_id, created_at,
                              row_number() OVER (ORDER BY created_at DESC, id) AS n
                         FROM crm.leads WHERE tenant_id = $1) numbered
                WHERE (n + n / 5) % 5 = 0) l
        CROSS JOIN LATERAL (SELECT CASE WHEN (l.k / 5) % 40 = 0 THEN 'pending'
                                        WHEN (l.k / 5) % 40 <= 14 THEN 'won' ELSE 'lost' END AS status) s`,
      [tenantId],
    ),
  );
  await timed('insert sales', () =>
    db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, opportunity_id, amount, currency, status,
                                           completed_at, refunded_at, created_at, updated_at)
       SELECT o.tenant_id, o.lead_id, o.id, o.value, o.currency,
              CASE WHEN o.n % 20 = 0 THEN 'refunded' ELSE 'completed' END,
              o.closed_at, CASE WHEN o.n % 20 = 0 THEN o.closed_at + interval '2 days' END,
              o.closed_at, o.closed_at
         FROM (SELECT *, row_number() OVER (ORDER BY closed_at, id) AS n
                 FROM crm.opportunities WHERE tenant_id = $1 AND status = 'won') o`,
      [tenantId],
    ),
  );
  // VACUUM as well as ANALYZE: a production table has been through autovacuum, a bulk-loaded one has not, and
  // until then its visibility map is empty and every index-only scan (the lists' capped counts) reads the heap too.
  await timed('vacuum analyze', () =>
    db.query(
      `VACUUM (ANALYZE) crm.leads, crm.lead_search, crm.lead_tags, crm.opportunities, crm.sales_transactions,
       crm.users`,
    ),
  );
  const byTenant = 'WHERE tenant_id = $1';
  return {
    tenantId,
    ceoId,
    setterIds,
    counts: {
      leads: await count(db, `SELECT count(*)::int AS n FROM crm.leads ${byTenant}`, [tenantId]),
      opportunities: await count(db, `SELECT count(*)::int AS n FROM crm.opportunities ${byTenant}`, [
        tenantId,
      ]),
      pending: await count(
        db,
        `SELECT count(*)::int AS n FROM crm.opportunities ${byTenant} AND status = 'pending'`,
        [tenantId],
      ),
      won: await count(
        db,
        `SELECT count(*)::int AS n FROM crm.opportunities ${byTenant} AND status = 'won'`,
        [tenantId],
      ),
      sales: await count(db, `SELECT count(*)::int AS n FROM crm.sales_transactions ${byTenant}`, [tenantId]),
    },
  };
}
