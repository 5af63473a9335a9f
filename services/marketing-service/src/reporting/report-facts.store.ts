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
 * A range as whole months (read from `attribution_monthly`) plus the days before the first and after the last whole
 * month (read from `attribution_daily`): a year is 12 × ads rows and at most ~60 days × ads, not 365 × ads.
 */
export type RangeParts = { months: [IsoDate, IsoDate] | null; days: [IsoDate, IsoDate][] };

export function splitByMonth(since: IsoDate, until: IsoDate): RangeParts {
  const start = DateTime.fromISO(since, { zone: 'utc' });
  const end = DateTime.fromISO(until, { zone: 'utc' });
  const firstFull = start.day === 1 ? start : start.plus({ months: 1 }).startOf('month');
  const lastFull = end.equals(end.endOf('month').startOf('day'))
    ? end
    : end.startOf('month').minus({ days: 1 });
  const iso = (date: DateTime) => date.toFormat('yyyy-MM-dd');
  if (firstFull > lastFull) return { months: null, days: [[since, until]] };
  const days: [IsoDate, IsoDate][] = [];
  if (start < firstFull) days.push([since, iso(firstFull.minus({ days: 1 }))]);
  if (lastFull < end) days.push([iso(lastFull.plus({ days: 1 })), until]);
  return { months: [iso(firstFull), iso(lastFull.startOf('month'))], days };
}

const SUMS = `sum(leads)::int AS leads, sum(opportunities)::int AS opportunities, sum(won)::int AS won,
  sum(lost)::int AS lost, sum(sales)::int AS sales, sum(sales_amount)::text AS "salesAmount",
  sum(refunds)::int AS refunds, sum(refund_amount)::text AS "refundAmount"`;

/**
 * The report's reads of the read model: at most (months + ~60 edge days) × ads × currencies rows per query, whatever
 * the number of leads. Every method runs in the caller's tenant-scoped transaction.
 */
@Injectable()
export class ReportFactsStore {
  /**
   * Per (ad, currency) — whole months from `attribution_monthly`, the days around them from `attribution_daily` —
   * and per (day, currency) from `attribution_day_totals`.
   */
  async sums(
    db: EntityManager,
    tenantId: string,
    view: ReportView,
    since: IsoDate,
    until: IsoDate,
  ): Promise<{ byAd: AdFactSums[]; byDay: DayFactSums[] }> {
    const { months, days } = splitByMonth(since, until);
    const none: [IsoDate, IsoDate] = ['9999-12-31', '0001-01-01']; // an empty interval
    const [a, b] = days[0] ?? none;
    const [c, d] = days[1] ?? none;
    const [m1, m2] = months ?? none;
    const byAd: AdFactSums[] = await db.query(
      `SELECT meta_ad_id AS "adId", currency, ${SUMS}
         FROM (SELECT meta_ad_id, currency, leads, opportunities, won, lost, sales, sales_amount, refunds,
                      refund_amount
                 FROM marketing.attribution_monthly
                WHERE tenant_id = $1 AND view = $2 AND month >= $3::date AND month <= $4::date
               UNION ALL
               SELECT meta_ad_id, currency, leads, opportunities, won, lost, sales, sales_amount, refunds,
                      refund_amount
                 FROM marketing.attribution_daily
                WHERE tenant_id = $1 AND view = $2 AND day >= $5::date AND day <= $6::date
               UNION ALL
               SELECT meta_ad_id, currency, leads, opportunities, won, lost, sales, sales_amount, refunds,
                      refund_amount
                 FROM marketing.attribution_daily
                WHERE tenant_id = $1 AND view = $2 AND day >= $7::date AND day <= $8::date) facts
        GROUP BY meta_ad_id, currency`,
      [tenantId, view, m1, m2, a, b, c, d],
    );
    const byDay: DayFactSums[] = await db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, ${SUMS}
         FROM marketing.attribution_day_totals
        WHERE tenant_id = $1 AND view = $2 AND day >= $3::date AND day <= $4::date
        GROUP BY day, currency`,
      [tenantId, view, since, until],
    );
    return { byAd, byDay };
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

  /** The first day with a Meta lead in the read model. */
  async historyStartsOn(db: EntityManager, tenantId: string): Promise<IsoDate | null> {
    const rows: { day: string | null }[] = await db.query(
      `SELECT to_char(min(day), 'YYYY-MM-DD') AS day FROM marketing.attribution_daily
        WHERE tenant_id = $1 AND view = 'period' AND leads > 0`,
      [tenantId],
    );
    return rows[0]?.day ?? null;
  }
}
