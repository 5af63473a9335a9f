/**
 * The Marketing report bench's baseline: the CRM facts the report reads from its read model, computed instead from
 * the CRM's raw tables (`crm.leads`, `crm.opportunities`, `crm.sales_transactions`) with the indexes the CRM has —
 * per ad × currency for the range and per day × currency (the daily series), in the chosen view, days in the ad
 * account's timezone, with the read model's rules (bench/../services/marketing-service/src/read-model/attribution-facts.ts):
 * - period: each lead on its creation day, each opportunity on its creation day, each win / loss on its closing day,
 *   each completed sale (count, amount) on its completion day, each refund on its refund day;
 * - cohort: the leads created in the range, and all their opportunities, wins, losses, sales and refunds on the
 *   lead's creation day.
 * One statement, run as the app role under row-level security (as the services' queries are).
 */
import type { ReportView } from '@crm/contracts';
import type { Client } from 'pg';

const ZERO = `0 AS opportunities, 0 AS won, 0 AS lost, 0 AS sales, 0::numeric AS sales_amount, 0 AS refunds,
  0::numeric AS refund_amount`;

/** $1 tenant, $2 start instant (inclusive), $3 end instant (exclusive), $4 timezone. */
const PERIOD_FACTS = `
  SELECT l.meta_ad_id, (l.created_at AT TIME ZONE $4)::date AS day, '' AS currency, 1 AS leads, ${ZERO}
    FROM crm.leads l
   WHERE l.tenant_id = $1 AND l.lead_source = 'META_ADS' AND l.created_at >= $2 AND l.created_at < $3
  UNION ALL
  SELECT l.meta_ad_id, (o.created_at AT TIME ZONE $4)::date, '', 0, 1, 0, 0, 0, 0, 0, 0
    FROM crm.opportunities o JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
   WHERE o.tenant_id = $1 AND o.status IN ('pending', 'won', 'lost') AND o.created_at >= $2 AND o.created_at < $3
     AND l.lead_source = 'META_ADS'
  UNION ALL
  SELECT l.meta_ad_id, (o.closed_at AT TIME ZONE $4)::date, '', 0, 0, (o.status = 'won')::int,
         (o.status = 'lost')::int, 0, 0, 0, 0
    FROM crm.opportunities o JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
   WHERE o.tenant_id = $1 AND o.status IN ('won', 'lost') AND o.closed_at >= $2 AND o.closed_at < $3
     AND l.lead_source = 'META_ADS'
  UNION ALL
  SELECT l.meta_ad_id, (s.completed_at AT TIME ZONE $4)::date, s.currency, 0, 0, 0, 0, 1, s.amount, 0, 0
    FROM crm.sales_transactions s JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
   WHERE s.tenant_id = $1 AND s.status = 'completed' AND s.completed_at >= $2 AND s.completed_at < $3
     AND l.lead_source = 'META_ADS'
  UNION ALL
  SELECT l.meta_ad_id, (coalesce(s.refunded_at, s.completed_at) AT TIME ZONE $4)::date, s.currency,
         0, 0, 0, 0, 0, 0, 1, s.amount
    FROM crm.sales_transactions s JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
   WHERE s.tenant_id = $1 AND s.status = 'refunded' AND coalesce(s.refunded_at, s.completed_at) >= $2
     AND coalesce(s.refunded_at, s.completed_at) < $3 AND l.lead_source = 'META_ADS'`;

const COHORT_FACTS = `
  WITH cohort AS (
    SELECT id, meta_ad_id, (created_at AT TIME ZONE $4)::date AS day
      FROM crm.leads
     WHERE tenant_id = $1 AND lead_source = 'META_ADS' AND created_at >= $2 AND created_at < $3
  )
  SELECT meta_ad_id, day, '' AS currency, 1 AS leads, ${ZERO} FROM cohort
  UNION ALL
  SELECT c.meta_ad_id, c.day, '', 0, 1, (o.status = 'won' AND o.closed_at IS NOT NULL)::int,
         (o.status = 'lost' AND o.closed_at IS NOT NULL)::int, 0, 0, 0, 0
    FROM cohort c JOIN crm.opportunities o ON o.tenant_id = $1 AND o.lead_id = c.id
  UNION ALL
  SELECT c.meta_ad_id, c.day, s.currency, 0, 0, 0, 0, (s.status = 'completed')::int,
         CASE WHEN s.status = 'completed' THEN s.amount ELSE 0 END, (s.status = 'refunded')::int,
         CASE WHEN s.status = 'refunded' THEN s.amount ELSE 0 END
    FROM cohort c JOIN crm.sales_transactions s ON s.tenant_id = $1 AND s.lead_id = c.id
   WHERE s.status IN ('completed', 'refunded')`;

export type RawFactRow = {
  /** true: a row per (ad, currency) of the range; false: a row per (day, currency). */
  by_ad: boolean;
  meta_ad_id: string | null;
  day: string | null;
  currency: string;
  leads: number;
  opportunities: number;
  won: number;
  lost: number;
  sales: number;
  sales_amount: string;
  refunds: number;
  refund_amount: string;
};

/** The report's CRM facts of `view` for [start, end) from the raw tables, as the app role of `tenantId`. */
export async function rawReportFacts(
  app: Client,
  tenantId: string,
  view: ReportView,
  start: Date,
  end: Date,
  timezone: string,
): Promise<RawFactRow[]> {
  await app.query('BEGIN');
  try {
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    const { rows } = await app.query<RawFactRow>(
      `WITH facts AS (${view === 'period' ? PERIOD_FACTS : COHORT_FACTS})
       SELECT GROUPING(day) = 1 AS by_ad, meta_ad_id, to_char(day, 'YYYY-MM-DD') AS day, currency,
              sum(leads)::int AS leads, sum(opportunities)::int AS opportunities, sum(won)::int AS won,
              sum(lost)::int AS lost, sum(sales)::int AS sales, sum(sales_amount)::text AS sales_amount,
              sum(refunds)::int AS refunds, sum(refund_amount)::text AS refund_amount
         FROM facts
        GROUP BY GROUPING SETS ((meta_ad_id, currency), (day, currency))`,
      [tenantId, start, end, timezone],
    );
    return rows;
  } finally {
    await app.query('COMMIT');
  }
}
