import type { AdInsightDay, AdInsightRow } from '@crm/contracts';

/** An ad-level insights row as Meta sends it: every metric is a string (REFERENCE §4.3). */
export type GraphInsightRow = {
  campaign_id?: string;
  campaign_name?: string;
  adset_id?: string;
  adset_name?: string;
  ad_id?: string;
  ad_name?: string;
  spend?: string;
  impressions?: string;
  clicks?: string;
};

export type CatalogEntry = {
  adId: string;
  adName: string;
  adsetId: string;
  adsetName: string;
  campaignId: string;
  campaignName: string;
};

/** Meta's numeric strings → numbers; anything unparseable counts as 0. */
export function metaNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}

const roundMoney = (value: number): number => Math.round(value * 100) / 100;

/**
 * One row per ad: Meta's rows (summed if Meta split an ad into several rows), then every other ad of the
 * catalogue with zero spend — so "ad exists but did not spend" differs from "ad unknown to Meta".
 */
export function mergeInsights(metaRows: GraphInsightRow[], catalogue: CatalogEntry[]): AdInsightRow[] {
  const byAd = new Map<string, AdInsightRow>();
  for (const raw of metaRows) {
    if (!raw.ad_id) continue;
    const existing = byAd.get(raw.ad_id);
    const spend = metaNumber(raw.spend);
    const impressions = metaNumber(raw.impressions);
    const clicks = metaNumber(raw.clicks);
    if (existing) {
      existing.spend = roundMoney(existing.spend + spend);
      existing.impressions += impressions;
      existing.clicks += clicks;
      continue;
    }
    byAd.set(raw.ad_id, {
      campaignId: raw.campaign_id ?? '',
      campaignName: raw.campaign_name ?? '',
      adsetId: raw.adset_id ?? '',
      adsetName: raw.adset_name ?? '',
      adId: raw.ad_id,
      adName: raw.ad_name ?? '',
      spend: roundMoney(spend),
      impressions,
      clicks,
    });
  }
  const rows = [...byAd.values()];
  for (const ad of catalogue) {
    if (byAd.has(ad.adId)) continue;
    rows.push({
      campaignId: ad.campaignId,
      campaignName: ad.campaignName,
      adsetId: ad.adsetId,
      adsetName: ad.adsetName,
      adId: ad.adId,
      adName: ad.adName,
      spend: 0,
      impressions: 0,
      clicks: 0,
    });
  }
  return rows;
}

/** An account-level row of `time_increment=1`: one per day with delivery. */
export type GraphDayRow = {
  date_start?: string;
  date_stop?: string;
  spend?: string;
  impressions?: string;
  clicks?: string;
};

/** Meta's daily account rows → one entry per day, oldest first (a day Meta split is summed). */
export function accountDays(rows: GraphDayRow[]): AdInsightDay[] {
  const byDay = new Map<string, AdInsightDay>();
  for (const row of rows) {
    const day = row.date_start;
    if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
    const existing = byDay.get(day) ?? { day, spend: 0, impressions: 0, clicks: 0 };
    existing.spend = roundMoney(existing.spend + metaNumber(row.spend));
    existing.impressions += metaNumber(row.impressions);
    existing.clicks += metaNumber(row.clicks);
    byDay.set(day, existing);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}
