import type { IsoDate, ReportView } from '@crm/contracts';
import { DateTime } from 'luxon';

/**
 * Pure rules of the Marketing Hub read model: what one lead (with its opportunities and sales) adds to the daily
 * facts of each view. The store keeps each entity's last state; a change to a lead is applied as
 * `diffFacts(factsOfLead(before), factsOfLead(after))`, so the order events arrive in never matters and a replay
 * (rebuild) gives exactly what the events gave.
 */

export type LeadState = {
  leadId: string;
  /** `lead_source = 'META_ADS'`: only those leads (and what they became) are counted. */
  isMeta: boolean;
  adId: string | null;
  createdAt: Date;
};

export type OpportunityState = {
  opportunityId: string;
  leadId: string;
  status: 'pending' | 'won' | 'lost';
  /** Unknown when only a later event of the opportunity was seen (events published before the field existed). */
  createdAt: Date | null;
  closedAt: Date | null;
};

export type SaleState = {
  saleId: string;
  leadId: string;
  amount: number;
  currency: string;
  status: 'pending' | 'completed' | 'refunded';
  completedAt: Date | null;
  refundedAt: Date | null;
};

/** A lead's state; `lead` is null while its `lead.created` has not been seen (its sales wait, uncounted). */
export type LeadFacts = { lead: LeadState | null; opportunities: OpportunityState[]; sales: SaleState[] };

export const MEASURES = [
  'leads',
  'opportunities',
  'won',
  'lost',
  'sales',
  'salesAmountCents',
  'refunds',
  'refundAmountCents',
] as const;
export type Measure = (typeof MEASURES)[number];
export type Measures = Record<Measure, number>;

/** One row of `attribution_daily`: `adId` null = a Meta lead with no ad; `currency` '' = counts without money. */
export type FactRow = { view: ReportView; day: IsoDate; adId: string | null; currency: string } & Measures;

export type FactMap = Map<string, FactRow>;

export const emptyMeasures = (): Measures => ({
  leads: 0,
  opportunities: 0,
  won: 0,
  lost: 0,
  sales: 0,
  salesAmountCents: 0,
  refunds: 0,
  refundAmountCents: 0,
});

export function factKey(view: ReportView, day: IsoDate, adId: string | null, currency: string): string {
  return `${view}|${day}|${adId ?? ''}|${adId === null ? 'null' : 'ad'}|${currency}`;
}

/** Money as integer cents, so sums never drift (amounts have at most 2 decimals). */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** Quarter-hour buckets: every UTC offset in use is a multiple of 15 minutes, so a bucket never spans two days. */
const BUCKET_MS = 15 * 60 * 1000;

/** `instant → calendar day in timezone`, memoised per quarter hour (a rebuild buckets millions of instants). */
export function dayBucketer(timezone: string): (instant: Date) => IsoDate {
  const memo = new Map<number, IsoDate>();
  return (instant) => {
    const bucket = Math.floor(instant.getTime() / BUCKET_MS);
    let day = memo.get(bucket);
    if (day === undefined) {
      day = DateTime.fromMillis(bucket * BUCKET_MS, { zone: timezone }).toFormat('yyyy-MM-dd');
      memo.set(bucket, day);
    }
    return day;
  };
}

/**
 * What one lead adds to the facts, in both views:
 * - period: the lead on its creation day, each opportunity on its creation day, each win / loss on its closing
 *   day, each completed sale (count and amount, in its currency) on its completion day, each refund on its refund day;
 * - cohort: the same measures, all on the lead's creation day.
 * A refunded sale is not a sale (neither count nor amount): it is a refund. Pending sales count nowhere. A lead that
 * is unknown or not from Meta adds nothing.
 */
export function factsOfLead(facts: LeadFacts, dayOf: (instant: Date) => IsoDate, into: FactMap = new Map()) {
  const { lead } = facts;
  if (!lead || !lead.isMeta) return into;
  const leadDay = dayOf(lead.createdAt);
  const ad = lead.adId;
  const add = (view: ReportView, day: IsoDate, currency: string, measure: Measure, value: number) => {
    const key = factKey(view, day, ad, currency);
    let row = into.get(key);
    if (!row) {
      row = { view, day, adId: ad, currency, ...emptyMeasures() };
      into.set(key, row);
    }
    row[measure] += value;
  };
  const both = (periodDay: IsoDate | null, currency: string, measure: Measure, value: number) => {
    if (periodDay) add('period', periodDay, currency, measure, value);
    add('cohort', leadDay, currency, measure, value);
  };

  both(leadDay, '', 'leads', 1);
  for (const opportunity of facts.opportunities) {
    both(opportunity.createdAt ? dayOf(opportunity.createdAt) : null, '', 'opportunities', 1);
    if (opportunity.status !== 'pending' && opportunity.closedAt) {
      both(dayOf(opportunity.closedAt), '', opportunity.status === 'won' ? 'won' : 'lost', 1);
    }
  }
  for (const sale of facts.sales) {
    const cents = toCents(sale.amount);
    if (sale.status === 'completed' && sale.completedAt) {
      const day = dayOf(sale.completedAt);
      both(day, sale.currency, 'sales', 1);
      both(day, sale.currency, 'salesAmountCents', cents);
    } else if (sale.status === 'refunded') {
      const at = sale.refundedAt ?? sale.completedAt;
      const day = at ? dayOf(at) : null;
      both(day, sale.currency, 'refunds', 1);
      both(day, sale.currency, 'refundAmountCents', cents);
    }
  }
  return into;
}

/** `after − before`, keeping only rows where something changed. */
export function diffFacts(before: FactMap, after: FactMap): FactRow[] {
  const delta: FactRow[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = after.get(key);
    const b = before.get(key);
    const base = (a ?? b)!;
    const row: FactRow = {
      view: base.view,
      day: base.day,
      adId: base.adId,
      currency: base.currency,
      ...emptyMeasures(),
    };
    let changed = false;
    for (const measure of MEASURES) {
      row[measure] = (a?.[measure] ?? 0) - (b?.[measure] ?? 0);
      if (row[measure] !== 0) changed = true;
    }
    if (changed) delta.push(row);
  }
  return sortFacts(delta);
}

/** In key order: concurrent upserts of overlapping rows then lock them in the same order (no deadlock). */
export function sortFacts(rows: FactRow[]): FactRow[] {
  return rows.sort(
    (x, y) =>
      x.view.localeCompare(y.view) ||
      x.day.localeCompare(y.day) ||
      (x.adId ?? '').localeCompare(y.adId ?? '') ||
      Number(x.adId !== null) - Number(y.adId !== null) ||
      x.currency.localeCompare(y.currency),
  );
}
