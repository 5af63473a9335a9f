import { Injectable } from '@nestjs/common';
import type { IsoDate, ReportView } from '@crm/contracts';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';

/** Sums of `attribution_daily` over a range. Amounts are decimal strings (numeric), in `currency`. */
export type FactSums = {
  leads: number;
  opportunities: number;
  won: number;
  lost: number;
  sales: number;
  salesAmount: string;
  refunds: number;
  refundAmount: string;
};

export type AdFactSums = FactSums & { adId: string | null; currency: string };
export type DayFactSums = FactSums & { day: IsoDate; currency: string };
/** Sales and refunds of one ad, day and (foreign) currency: what a dated rate converts. */
export type ForeignFactSums = FactSums & { adId: string | null; day: IsoDate; currency: string };

export type DatedRate = { from: string; day: IsoDate; rate: number };

/**
 * A range read as months of `attribution_monthly` plus or minus days of `attribution_daily`: a year is 12 × ads rows,
 * not 365 × ads. A month the range covers only in part is read either as its days in the range (`days`) or, when
 * fewer days of it lie outside the range, as the whole month minus those days (`minusDays`) — the days after today
 * hold no facts, so the current month costs one roll-up row per ad, not up to 30 days of them.
 */
export type RangeParts = {
  months: [IsoDate, IsoDate] | null;
  days: [IsoDate, IsoDate][];
  minusDays: [IsoDate, IsoDate][];
};

export function splitByMonth(since: IsoDate, until: IsoDate): RangeParts {
  const start = DateTime.fromISO(since, { zone: 'utc' });
  const end = DateTime.fromISO(until, { zone: 'utc' });
  const iso = (date: DateTime) => date.toFormat('yyyy-MM-dd');
  const monthEnd = (date: DateTime) => date.endOf('month').startOf('day');
  const days: [IsoDate, IsoDate][] = [];
  const minusDays: [IsoDate, IsoDate][] = [];
  let first = start.startOf('month');
  let last = end.startOf('month');
  if (first.equals(last)) {
    const inside = end.day - start.day + 1;
    const outside = start.daysInMonth! - inside;
    if (outside >= inside) return { months: null, days: [[since, until]], minusDays };
    if (start.day > 1) minusDays.push([iso(first), iso(start.minus({ days: 1 }))]);
    if (end < monthEnd(end)) minusDays.push([iso(end.plus({ days: 1 })), iso(monthEnd(end))]);
    return { months: [iso(first), iso(first)], days, minusDays };
  }
  if (start.day > 1) {
    const outside = start.day - 1;
    if (outside < start.daysInMonth! - outside) {
      minusDays.push([iso(first), iso(start.minus({ days: 1 }))]);
    } else {
      days.push([since, iso(monthEnd(start))]);
      first = first.plus({ months: 1 });
    }
  }
  if (end < monthEnd(end)) {
    const outside = end.daysInMonth! - end.day;
    if (outside < end.day) {
      minusDays.push([iso(end.plus({ days: 1 })), iso(monthEnd(end))]);
    } else {
      days.push([iso(last), until]);
      last = last.minus({ months: 1 });
    }
  }
  return { months: first <= last ? [iso(first), iso(last)] : null, days, minusDays };
}

const MEASURE_COLUMNS = [
  'leads',
  'opportunities',
  'won',
  'lost',
  'sales',
  'sales_amount',
  'refunds',
  'refund_amount',
] as const;
const MEASURES = `meta_ad_id, currency, ${MEASURE_COLUMNS.join(', ')}`;
const NEGATED_MEASURES = `meta_ad_id, currency, ${MEASURE_COLUMNS.map((c) => `-${c} AS ${c}`).join(', ')}`;
/** A month minus its days outside the range can leave an ad with nothing: not a row of the range. */
const ANY_NONZERO = MEASURE_COLUMNS.map((c) => `sum(${c}) <> 0`).join(' OR ');
const SUMS = `sum(leads)::int AS leads, sum(opportunities)::int AS opportunities, sum(won)::int AS won,
  sum(lost)::int AS lost, sum(sales)::int AS sales, sum(sales_amount)::text AS "salesAmount",
  sum(refunds)::int AS refunds, sum(refund_amount)::text AS "refundAmount"`;

/**
 * The report's reads of the read model: at most (months + ~30 edge days) × ads × currencies rows per query, whatever
 * the number of leads. Every method runs in the caller's tenant-scoped transaction.
 */
@Injectable()
export class ReportFactsStore {
  /**
   * Per (ad, currency) — months from `attribution_monthly`, plus or minus days from `attribution_daily` (splitByMonth) —
   * and per (day, currency) from `attribution_day_totals`.
   */
  async sums(
    db: EntityManager,
    tenantId: string,
    view: ReportView,
    since: IsoDate,
    until: IsoDate,
  ): Promise<{ byAd: AdFactSums[]; byDay: DayFactSums[] }> {
    const { months, days, minusDays } = splitByMonth(since, until);
    // One branch per interval, each a plain range on its table's key (an index range scan, with or without stats).
    const params: unknown[] = [tenantId, view];
    const branch = (table: 'monthly' | 'daily', [from, to]: [IsoDate, IsoDate], measures: string) => {
      params.push(from, to);
      const column = table === 'monthly' ? 'month' : 'day';
      return `SELECT ${measures} FROM marketing.attribution_${table}
               WHERE tenant_id = $1 AND view = $2 AND ${column} >= $${params.length - 1}::date
                 AND ${column} <= $${params.length}::date`;
    };
    const branches = [
      ...(months ? [branch('monthly', months, MEASURES)] : []),
      ...days.map((range) => branch('daily', range, MEASURES)),
      ...minusDays.map((range) => branch('daily', range, NEGATED_MEASURES)),
    ];
    const byAd: AdFactSums[] = await db.query(
      `SELECT meta_ad_id AS "adId", currency, ${SUMS}
         FROM (${branches.join(' UNION ALL ')}) facts
        GROUP BY meta_ad_id, currency
       HAVING ${ANY_NONZERO}`,
      params,
    );
    return { byAd, byDay: await this.dayTotals(db, tenantId, view, since, until) };
  }

  /** Per (day, currency) from `attribution_day_totals`: every ad's facts, a few rows per day. */
  async dayTotals(
    db: EntityManager,
    tenantId: string,
    view: ReportView,
    since: IsoDate,
    until: IsoDate,
  ): Promise<DayFactSums[]> {
    return db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, ${SUMS}
         FROM marketing.attribution_day_totals
        WHERE tenant_id = $1 AND view = $2 AND day >= $3::date AND day <= $4::date
        GROUP BY day, currency`,
      [tenantId, view, since, until],
    );
  }

  /** Sales and refunds in these (foreign) currencies, per ad and day (each day has its own rate). */
  async foreign(
    db: EntityManager,
    tenantId: string,
    view: ReportView,
    since: IsoDate,
    until: IsoDate,
    currencies: readonly string[],
  ): Promise<ForeignFactSums[]> {
    return db.query(
      `SELECT meta_ad_id AS "adId", to_char(day, 'YYYY-MM-DD') AS day, currency, ${SUMS}
         FROM marketing.attribution_daily
        WHERE tenant_id = $1 AND view = $2 AND currency = ANY($5::text[]) AND currency <> ''
          AND day >= $3::date AND day <= $4::date
        GROUP BY 1, 2, 3`,
      [tenantId, view, since, until, currencies],
    );
  }

  /** Every rate from `from` currencies to `to` dated on or before `until`, oldest first. */
  async rates(
    db: EntityManager,
    tenantId: string,
    from: readonly string[],
    to: string,
    until: IsoDate,
  ): Promise<DatedRate[]> {
    if (from.length === 0) return [];
    const rows: { from: string; day: string; rate: string }[] = await db.query(
      `SELECT from_currency AS "from", to_char(day, 'YYYY-MM-DD') AS day, rate::text AS rate
         FROM marketing.fx_rates
        WHERE tenant_id = $1 AND to_currency = $2 AND from_currency = ANY($3::text[]) AND day <= $4::date
        ORDER BY from_currency, day`,
      [tenantId, to, from, until],
    );
    return rows.map((row) => ({ from: row.from, day: row.day, rate: Number(row.rate) }));
  }

  /**
   * The version of everything above (and the tenant's timezone): a new value whenever any of it changes (statement
   * triggers, migration 1768900000401); '0' before the tenant's first fact.
   */
  async version(db: EntityManager, tenantId: string): Promise<string> {
    const rows: { version: string }[] = await db.query(
      `SELECT version::text AS version FROM marketing.read_model_versions WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]?.version ?? '0';
  }

  /** The first day with a Meta lead in the read model (from the per-day totals: the first such row of the index). */
  async historyStartsOn(db: EntityManager, tenantId: string): Promise<IsoDate | null> {
    const rows: { day: string }[] = await db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM marketing.attribution_day_totals
        WHERE tenant_id = $1 AND view = 'period' AND leads > 0
        ORDER BY day LIMIT 1`,
      [tenantId],
    );
    return rows[0]?.day ?? null;
  }
}
