import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type FactRow,
  type LeadFacts,
  type LeadState,
  type OpportunityState,
  type SaleState,
} from './attribution-facts';

/** Lead ids in `(after, upTo]`; a null bound is open. The range of one page of a rebuild. */
export type LeadIdRange = { after: string | null; upTo: string | null };

/** A state to store and its version (the CRM row's `updated_at`): an older version than the stored one is ignored. */
export type Versioned<T> = T & { version: Date };

type LeadRow = {
  lead_id: string;
  is_meta: boolean;
  meta_ad_id: string | null;
  created_at: Date;
};
type OpportunityRow = {
  opportunity_id: string;
  lead_id: string;
  status: OpportunityState['status'];
  created_at: Date | null;
  closed_at: Date | null;
};
type SaleRow = {
  sale_id: string;
  lead_id: string;
  amount: string;
  currency: string;
  status: SaleState['status'];
  completed_at: Date | null;
  refunded_at: Date | null;
};

const toLead = (row: LeadRow): LeadState => ({
  leadId: row.lead_id,
  isMeta: row.is_meta,
  adId: row.meta_ad_id,
  createdAt: row.created_at,
});
const toOpportunity = (row: OpportunityRow): OpportunityState => ({
  opportunityId: row.opportunity_id,
  leadId: row.lead_id,
  status: row.status,
  createdAt: row.created_at,
  closedAt: row.closed_at,
});
const toSale = (row: SaleRow): SaleState => ({
  saleId: row.sale_id,
  leadId: row.lead_id,
  amount: Number(row.amount),
  currency: row.currency,
  status: row.status,
  completedAt: row.completed_at,
  refundedAt: row.refunded_at,
});

/** `column` in the `LeadIdRange` passed as $2 (after) and $3 (up to). */
const IN_RANGE = (column: string) =>
  `($2::uuid IS NULL OR ${column} > $2::uuid) AND ($3::uuid IS NULL OR ${column} <= $3::uuid)`;

/** TypeORM answers a raw `UPDATE … RETURNING` with `[rows, count]`. */
function returnedRows(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}

/** Rows per statement when many are written at once. */
const CHUNK = 5000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const DAILY_COLUMNS = `view, day, meta_ad_id, currency, leads, opportunities, won, lost, sales, sales_amount, refunds,
  refund_amount`;
const DAILY_UNNEST = `unnest($2::text[], $3::date[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[],
  $9::int[], $10::int[], $11::numeric[], $12::int[], $13::numeric[])`;

const MEASURE_COLUMNS = `leads, opportunities, won, lost, sales, sales_amount, refunds, refund_amount`;
const SUM_MEASURES = MEASURE_COLUMNS.split(', ')
  .map((column) => `sum(${column})`)
  .join(', ');
const ADD_MEASURES = MEASURE_COLUMNS.split(', ')
  .map((column) => `${column} = d.${column} + excluded.${column}`)
  .join(', ');

/** The roll-ups of `attribution_daily` (migration 1768700000001), keyed by month and ad, and by day without ad. */
const ROLLUPS = [
  {
    table: 'marketing.attribution_monthly',
    key: 'view, month, meta_ad_id, currency',
    select: `view, date_trunc('month', day)::date AS month, meta_ad_id, currency`,
  },
  { table: 'marketing.attribution_day_totals', key: 'view, day, currency', select: 'view, day, currency' },
] as const;

function dailyParams(tenantId: string, rows: readonly FactRow[]): unknown[] {
  const cents = (value: number) => (value / 100).toFixed(2);
  return [
    tenantId,
    rows.map((r) => r.view),
    rows.map((r) => r.day),
    rows.map((r) => r.adId),
    rows.map((r) => r.currency),
    rows.map((r) => r.leads),
    rows.map((r) => r.opportunities),
    rows.map((r) => r.won),
    rows.map((r) => r.lost),
    rows.map((r) => r.sales),
    rows.map((r) => cents(r.salesAmountCents)),
    rows.map((r) => r.refunds),
    rows.map((r) => cents(r.refundAmountCents)),
  ];
}

/**
 * `marketing.attribution_*` and `marketing.read_model_tenants`: every read and write of the read model's state and
 * facts. Every method runs in the caller's tenant-scoped transaction (`TenantDatabase.withTenant`).
 */
@Injectable()
export class ReadModelStore {
  /** Shared by event handlers, exclusive for a rebuild or a re-bucketing of the tenant. */
  async lockTenant(db: EntityManager, tenantId: string, mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await db.query(`SELECT ${fn}(hashtextextended($1, 0))`, [`marketing.read-model:${tenantId}`]);
  }

  /** One writer per lead at a time (two replicas handling two events of the same lead). */
  async lockLead(db: EntityManager, tenantId: string, leadId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `marketing.read-model:${tenantId}:${leadId}`,
    ]);
  }

  /** Wait at most this long for a lock in this transaction (a rebuild holds the tenant's): then fail, retry later. */
  async lockTimeout(db: EntityManager, ms: number): Promise<void> {
    await db.query(`SELECT set_config('lock_timeout', $1, true)`, [`${ms}ms`]);
  }

  async timezoneOf(db: EntityManager, tenantId: string): Promise<string | null> {
    const rows: { timezone: string }[] = await db.query(
      `SELECT timezone FROM marketing.read_model_tenants WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]?.timezone ?? null;
  }

  async tenantState(
    db: EntityManager,
    tenantId: string,
  ): Promise<{ timezone: string; rebuiltAt: Date | null } | null> {
    const rows: { timezone: string; rebuilt_at: Date | null }[] = await db.query(
      `SELECT timezone, rebuilt_at FROM marketing.read_model_tenants WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ? { timezone: rows[0].timezone, rebuiltAt: rows[0].rebuilt_at } : null;
  }

  /** The tenant's bucketing timezone, unless it already has one. */
  async initTenant(db: EntityManager, tenantId: string, timezone: string): Promise<void> {
    await db.query(
      `INSERT INTO marketing.read_model_tenants (tenant_id, timezone) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [tenantId, timezone],
    );
  }

  async setTimezone(db: EntityManager, tenantId: string, timezone: string, rebuilt: boolean): Promise<void> {
    await db.query(
      `INSERT INTO marketing.read_model_tenants (tenant_id, timezone, rebuilt_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE
         SET timezone = excluded.timezone, updated_at = now(),
             rebuilt_at = COALESCE(excluded.rebuilt_at, read_model_tenants.rebuilt_at)`,
      [tenantId, timezone, rebuilt ? new Date() : null],
    );
  }

  // ---- the first build (`ReadModelBuilder`; lease columns of migration 1768800000200) ----

  /**
   * Take the build of a never-built tenant for `owner` until now + `leaseMs` (creating its row, bucketed in
   * `timezone`, when it has none), unless it is built, parked or another owner's lease has not expired (the
   * background worker claims the same rows with `LeasedTable`). True when taken.
   */
  async claimBuild(
    db: EntityManager,
    tenantId: string,
    timezone: string,
    owner: string,
    leaseMs: number,
  ): Promise<boolean> {
    const result: unknown[] = await db.query(
      `INSERT INTO marketing.read_model_tenants AS t
              (tenant_id, timezone, lease_owner, attempts, build_leads_read, locked_until)
       VALUES ($1, $2, $3, 1, 0, now() + make_interval(secs => $4::double precision / 1000))
       ON CONFLICT (tenant_id) DO UPDATE
         SET lease_owner = excluded.lease_owner, attempts = t.attempts + 1, build_leads_read = 0,
             locked_until = excluded.locked_until
       WHERE t.rebuilt_at IS NULL AND t.parked_at IS NULL AND (t.locked_until IS NULL OR t.locked_until <= now())
       RETURNING 1`,
      [tenantId, timezone, owner, leaseMs],
    );
    return returnedRows(result) > 0;
  }

  /** Record the build's progress and extend its lease; false when `owner` no longer holds it. */
  async renewBuild(
    db: EntityManager,
    tenantId: string,
    owner: string,
    leadsRead: number,
    leaseMs: number,
  ): Promise<boolean> {
    const result: unknown[] = await db.query(
      `UPDATE marketing.read_model_tenants
          SET build_leads_read = $3, locked_until = now() + make_interval(secs => $4::double precision / 1000)
        WHERE tenant_id = $1 AND lease_owner = $2
       RETURNING 1`,
      [tenantId, owner, leadsRead, leaseMs],
    );
    return returnedRows(result) > 0;
  }

  /** Give the build's lease back (done, failed or shutting down): the worker takes an unbuilt tenant again. */
  async releaseBuild(db: EntityManager, tenantId: string, owner: string): Promise<void> {
    await db.query(
      `UPDATE marketing.read_model_tenants SET lease_owner = NULL, locked_until = NULL
        WHERE tenant_id = $1 AND lease_owner = $2`,
      [tenantId, owner],
    );
  }

  /** How far the tenant's build got: the leads stored so far (null when no build has started). */
  async buildProgress(db: EntityManager, tenantId: string): Promise<{ leadsRead: number | null }> {
    const rows: { build_leads_read: number | null }[] = await db.query(
      `SELECT build_leads_read FROM marketing.read_model_tenants WHERE tenant_id = $1`,
      [tenantId],
    );
    return { leadsRead: rows[0]?.build_leads_read ?? null };
  }

  /** The lead, its opportunities and its sales as stored. */
  async loadLead(db: EntityManager, tenantId: string, leadId: string): Promise<LeadFacts> {
    // One connection per transaction: one query at a time.
    const leads: LeadRow[] = await db.query(
      `SELECT lead_id, is_meta, meta_ad_id, created_at FROM marketing.attribution_leads
        WHERE tenant_id = $1 AND lead_id = $2`,
      [tenantId, leadId],
    );
    const opportunities: OpportunityRow[] = await db.query(
      `SELECT opportunity_id, lead_id, status, created_at, closed_at FROM marketing.attribution_opportunities
        WHERE tenant_id = $1 AND lead_id = $2`,
      [tenantId, leadId],
    );
    const sales: SaleRow[] = await db.query(
      `SELECT sale_id, lead_id, amount, currency, status, completed_at, refunded_at FROM marketing.attribution_sales
        WHERE tenant_id = $1 AND lead_id = $2`,
      [tenantId, leadId],
    );
    return {
      lead: leads[0] ? toLead(leads[0]) : null,
      opportunities: opportunities.map(toOpportunity),
      sales: sales.map(toSale),
    };
  }

  /** Every Meta lead of the tenant with its opportunities and sales, `pageSize` leads at a time (keyset by lead id). */
  async *allLeads(db: EntityManager, tenantId: string, pageSize = 20_000): AsyncGenerator<LeadFacts[]> {
    let after: string | null = null;
    for (;;) {
      const leads: LeadRow[] = await db.query(
        `SELECT lead_id, is_meta, meta_ad_id, created_at FROM marketing.attribution_leads
          WHERE tenant_id = $1 AND is_meta AND ($2::uuid IS NULL OR lead_id > $2::uuid)
          ORDER BY lead_id LIMIT $3`,
        [tenantId, after, pageSize],
      );
      if (leads.length === 0) return;
      const last = leads[leads.length - 1].lead_id;
      yield this.withOpportunitiesAndSales(db, tenantId, leads, { after, upTo: last });
      if (leads.length < pageSize) return;
      after = last;
    }
  }

  /** The Meta leads whose ids are in `range`, with their opportunities and sales (one page of a rebuild). */
  async leadsBetween(db: EntityManager, tenantId: string, range: LeadIdRange): Promise<LeadFacts[]> {
    const leads: LeadRow[] = await db.query(
      `SELECT lead_id, is_meta, meta_ad_id, created_at FROM marketing.attribution_leads
        WHERE tenant_id = $1 AND is_meta AND ${IN_RANGE('lead_id')}`,
      [tenantId, range.after, range.upTo],
    );
    return leads.length === 0 ? [] : this.withOpportunitiesAndSales(db, tenantId, leads, range);
  }

  /** `leads` (all those of `range`) with their opportunities and sales. */
  private async withOpportunitiesAndSales(
    db: EntityManager,
    tenantId: string,
    leads: readonly LeadRow[],
    range: LeadIdRange,
  ): Promise<LeadFacts[]> {
    const opportunities: OpportunityRow[] = await db.query(
      `SELECT opportunity_id, lead_id, status, created_at, closed_at FROM marketing.attribution_opportunities
        WHERE tenant_id = $1 AND ${IN_RANGE('lead_id')}`,
      [tenantId, range.after, range.upTo],
    );
    const sales: SaleRow[] = await db.query(
      `SELECT sale_id, lead_id, amount, currency, status, completed_at, refunded_at
         FROM marketing.attribution_sales WHERE tenant_id = $1 AND ${IN_RANGE('lead_id')}`,
      [tenantId, range.after, range.upTo],
    );
    const byLead = new Map<string, LeadFacts>(
      leads.map((row) => [row.lead_id, { lead: toLead(row), opportunities: [], sales: [] }]),
    );
    for (const row of opportunities) byLead.get(row.lead_id)?.opportunities.push(toOpportunity(row));
    for (const row of sales) byLead.get(row.lead_id)?.sales.push(toSale(row));
    return [...byLead.values()];
  }

  /** Store the lead unless a newer version is stored; true when it was written. */
  async upsertLeads(
    db: EntityManager,
    tenantId: string,
    leads: readonly Versioned<LeadState & { adsetId: string | null; campaignId: string | null }>[],
  ): Promise<number> {
    let written = 0;
    for (const part of chunks(leads)) {
      const rows: unknown[] = await db.query(
        `INSERT INTO marketing.attribution_leads AS l
                (tenant_id, lead_id, is_meta, meta_ad_id, meta_adset_id, meta_campaign_id, created_at, version)
         SELECT $1, * FROM unnest($2::uuid[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                                  $8::timestamptz[])
         ON CONFLICT (tenant_id, lead_id) DO UPDATE
           SET is_meta = excluded.is_meta, meta_ad_id = excluded.meta_ad_id, meta_adset_id = excluded.meta_adset_id,
               meta_campaign_id = excluded.meta_campaign_id, created_at = excluded.created_at,
               version = excluded.version
         WHERE l.version <= excluded.version
         RETURNING 1`,
        [
          tenantId,
          part.map((l) => l.leadId),
          part.map((l) => l.isMeta),
          part.map((l) => l.adId),
          part.map((l) => l.adsetId),
          part.map((l) => l.campaignId),
          part.map((l) => l.createdAt),
          part.map((l) => l.version),
        ],
      );
      written += rows.length;
    }
    return written;
  }

  /**
   * Store opportunities unless a newer version is stored. A creation time or closing time the event did not carry
   * (older events) keeps the stored one; a pending opportunity has no closing time.
   */
  async upsertOpportunities(
    db: EntityManager,
    tenantId: string,
    opportunities: readonly Versioned<OpportunityState>[],
  ): Promise<number> {
    let written = 0;
    for (const part of chunks(opportunities)) {
      const rows: unknown[] = await db.query(
        `INSERT INTO marketing.attribution_opportunities AS o
                (tenant_id, opportunity_id, lead_id, status, created_at, closed_at, version)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                                  $7::timestamptz[])
         ON CONFLICT (tenant_id, opportunity_id) DO UPDATE
           SET lead_id = excluded.lead_id, status = excluded.status,
               created_at = COALESCE(excluded.created_at, o.created_at),
               closed_at = CASE WHEN excluded.status = 'pending' THEN NULL
                                ELSE COALESCE(excluded.closed_at, o.closed_at) END,
               version = excluded.version
         WHERE o.version <= excluded.version
         RETURNING 1`,
        [
          tenantId,
          part.map((o) => o.opportunityId),
          part.map((o) => o.leadId),
          part.map((o) => o.status),
          part.map((o) => o.createdAt),
          part.map((o) => o.closedAt),
          part.map((o) => o.version),
        ],
      );
      written += rows.length;
    }
    return written;
  }

  /** Store sales unless a newer version is stored. */
  async upsertSales(
    db: EntityManager,
    tenantId: string,
    sales: readonly Versioned<SaleState & { opportunityId: string | null }>[],
  ): Promise<number> {
    let written = 0;
    for (const part of chunks(sales)) {
      const rows: unknown[] = await db.query(
        `INSERT INTO marketing.attribution_sales AS s
                (tenant_id, sale_id, lead_id, opportunity_id, amount, currency, status, completed_at, refunded_at,
                 version)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::numeric[], $6::text[], $7::text[],
                                  $8::timestamptz[], $9::timestamptz[], $10::timestamptz[])
         ON CONFLICT (tenant_id, sale_id) DO UPDATE
           SET lead_id = excluded.lead_id, opportunity_id = excluded.opportunity_id, amount = excluded.amount,
               currency = excluded.currency, status = excluded.status, completed_at = excluded.completed_at,
               refunded_at = COALESCE(excluded.refunded_at, s.refunded_at), version = excluded.version
         WHERE s.version <= excluded.version
         RETURNING 1`,
        [
          tenantId,
          part.map((s) => s.saleId),
          part.map((s) => s.leadId),
          part.map((s) => s.opportunityId),
          part.map((s) => s.amount.toFixed(2)),
          part.map((s) => s.currency),
          part.map((s) => s.status),
          part.map((s) => s.completedAt),
          part.map((s) => s.refundedAt),
          part.map((s) => s.version),
        ],
      );
      written += rows.length;
    }
    return written;
  }

  /** Add `rows` (deltas, in key order) to the daily facts. */
  async addFacts(db: EntityManager, tenantId: string, rows: readonly FactRow[]): Promise<void> {
    for (const part of chunks(rows)) {
      const params = dailyParams(tenantId, part);
      await db.query(
        `INSERT INTO marketing.attribution_daily AS d (tenant_id, ${DAILY_COLUMNS})
         SELECT $1, * FROM ${DAILY_UNNEST}
         ON CONFLICT (tenant_id, view, day, meta_ad_id, currency) DO UPDATE SET ${ADD_MEASURES}`,
        params,
      );
      // The same deltas into the roll-ups (grouped: one row per key and statement; in key order).
      for (const rollup of ROLLUPS) {
        await db.query(
          `INSERT INTO ${rollup.table} AS d (tenant_id, ${rollup.key}, ${MEASURE_COLUMNS})
           SELECT $1, ${rollup.select}, ${SUM_MEASURES}
             FROM ${DAILY_UNNEST} AS u(${DAILY_COLUMNS})
            GROUP BY ${rollup.key} ORDER BY ${rollup.key}
           ON CONFLICT (tenant_id, ${rollup.key}) DO UPDATE SET ${ADD_MEASURES}`,
          params,
        );
      }
    }
  }

  /** Replace every fact of the tenant by `rows` (a rebuild or a re-bucketing). */
  async replaceFacts(db: EntityManager, tenantId: string, rows: readonly FactRow[]): Promise<void> {
    await db.query(`DELETE FROM marketing.attribution_daily WHERE tenant_id = $1`, [tenantId]);
    for (const part of chunks(rows)) {
      await db.query(
        `INSERT INTO marketing.attribution_daily (tenant_id, ${DAILY_COLUMNS}) SELECT $1, * FROM ${DAILY_UNNEST}`,
        dailyParams(tenantId, part),
      );
    }
    for (const rollup of ROLLUPS) {
      await db.query(`DELETE FROM ${rollup.table} WHERE tenant_id = $1`, [tenantId]);
      await db.query(
        `INSERT INTO ${rollup.table} (tenant_id, ${rollup.key}, ${MEASURE_COLUMNS})
         SELECT $1, ${rollup.select}, ${SUM_MEASURES}
           FROM marketing.attribution_daily WHERE tenant_id = $1
          GROUP BY ${rollup.key}`,
        [tenantId],
      );
    }
  }

  /**
   * After a rebuild stored one page of the CRM's snapshot: drop the state rows of the page's lead-id range that the
   * page does not have (the CRM no longer has them, or they are not Meta's), unless they changed since `since` (an
   * event applied while the rebuild ran).
   */
  async dropMissing(
    db: EntityManager,
    tenantId: string,
    range: LeadIdRange,
    since: Date,
    kept: { leads: readonly string[]; opportunities: readonly string[]; sales: readonly string[] },
  ): Promise<void> {
    for (const [table, id, ids] of [
      ['attribution_leads', 'lead_id', kept.leads],
      ['attribution_opportunities', 'opportunity_id', kept.opportunities],
      ['attribution_sales', 'sale_id', kept.sales],
    ] as const) {
      await db.query(
        `DELETE FROM marketing.${table}
          WHERE tenant_id = $1 AND ${IN_RANGE('lead_id')} AND version < $4 AND ${id} <> ALL($5::uuid[])`,
        [tenantId, range.after, range.upTo, since, ids],
      );
    }
  }
}
