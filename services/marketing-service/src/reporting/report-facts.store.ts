import { Injectable } from '@nestjs/common';
import type { IsoDate, ReportView } from '@crm/contracts';
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

const SUMS = `sum(leads)::int AS leads, sum(opportunities)::int AS opportunities, sum(won)::int AS won,
  sum(lost)::int AS lost, sum(sales)::int AS sales, sum(sales_amount)::text AS "salesAmount",
  sum(refunds)::int AS refunds, sum(refund_amount)::text AS "refundAmount"`;

/**
 * The report's reads of the read model: at most days × ads × currencies rows of `attribution_daily` per query,
 * whatever the number of leads. Every method runs in the caller's tenant-scoped transaction.
 */
@Injectable()
export class ReportFactsStore {
  /** Per (ad, currency) and per (day, currency) in one scan (grouping sets). */
  async sums(
    db: EntityManager,
    tenantId: string,
    view: ReportView,
    since: IsoDate,
    until: IsoDate,
  ): Promise<{ byAd: AdFactSums[]; byDay: DayFactSums[] }> {
    const rows: (FactSums & {
      by_day: boolean;
      day: string | null;
      adId: string | null;
      currency: string;
    })[] = await db.query(
      `SELECT GROUPING(day) = 0 AS by_day, to_char(day, 'YYYY-MM-DD') AS day, meta_ad_id AS "adId", currency, ${SUMS}
         FROM marketing.attribution_daily
        WHERE tenant_id = $1 AND view = $2 AND day >= $3::date AND day <= $4::date
        GROUP BY GROUPING SETS ((meta_ad_id, currency), (day, currency))`,
      [tenantId, view, since, until],
    );
    const byAd: AdFactSums[] = [];
    const byDay: DayFactSums[] = [];
    for (const { by_day, day, adId, ...sums } of rows) {
      if (by_day) byDay.push({ ...sums, day: day! });
      else byAd.push({ ...sums, adId });
    }
    return { byAd, byDay };
  }

  /** Sales and refunds in currencies other than `currency`, per ad and day (each day has its own rate). */
  async foreign(
    db: EntityManager,
    tenantId: string,
    view: ReportView,
    since: IsoDate,
    until: IsoDate,
    currency: string,
  ): Promise<ForeignFactSums[]> {
    return db.query(
      `SELECT meta_ad_id AS "adId", to_char(day, 'YYYY-MM-DD') AS day, currency, ${SUMS}
         FROM marketing.attribution_daily
        WHERE tenant_id = $1 AND view = $2 AND day >= $3::date AND day <= $4::date
          AND currency <> '' AND currency <> $5
        GROUP BY 1, 2, 3`,
      [tenantId, view, since, until, currency],
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
