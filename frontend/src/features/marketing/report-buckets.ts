import type { IsoDate, ReportDay } from '@crm/contracts/browser';

export const BUCKET_SIZES = ['day', 'week'] as const;
export type BucketSize = (typeof BUCKET_SIZES)[number];

/**
 * Days of the report's series added up: one calendar day, or one Monday-to-Sunday week. `from`/`to` are the first
 * and last day of the range inside the bucket (a week cut by the range's start or end is shorter).
 */
export type ReportBucket = {
  from: IsoDate;
  to: IsoDate;
  spend: number;
  leads: number;
  opportunities: number;
  sales: number;
  revenue: number;
  /** spend / leads; null when the bucket has no leads (a gap in the chart, never 0). */
  costPerLead: number | null;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** The Monday on or before a calendar day (`YYYY-MM-DD`, no timezone involved). */
export function mondayOf(day: IsoDate): IsoDate {
  const date = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

function costPerLead(spend: number, leads: number): number | null {
  return leads > 0 ? spend / leads : null;
}

/** The daily series as it comes (one bucket per day), or added up per week starting Monday. */
export function bucketReportDays(daily: readonly ReportDay[], size: BucketSize): ReportBucket[] {
  const buckets: ReportBucket[] = [];
  let key: IsoDate | null = null;
  for (const day of daily) {
    const dayKey = size === 'week' ? mondayOf(day.day) : day.day;
    const last = buckets[buckets.length - 1];
    if (last && dayKey === key) {
      last.to = day.day;
      last.spend += day.spend;
      last.leads += day.leads;
      last.opportunities += day.opportunities;
      last.sales += day.sales;
      last.revenue += day.revenue;
    } else {
      key = dayKey;
      buckets.push({
        from: day.day,
        to: day.day,
        spend: day.spend,
        leads: day.leads,
        opportunities: day.opportunities,
        sales: day.sales,
        revenue: day.revenue,
        costPerLead: null,
      });
    }
  }
  for (const bucket of buckets) {
    // Money added up day by day: keep cents, not binary noise, in the tooltips and the tables.
    bucket.spend = Math.round(bucket.spend * 100) / 100;
    bucket.revenue = Math.round(bucket.revenue * 100) / 100;
    bucket.costPerLead = costPerLead(bucket.spend, bucket.leads);
  }
  return buckets;
}
