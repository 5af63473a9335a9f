import type { AdInsightRow, AdRoiRow, AttributionRow, CampaignRoiRow, FunnelMetrics } from '@crm/contracts';

/**
 * Pure ROI arithmetic for the Marketing Hub. Sums keep full precision; money and percentages are rounded to
 * 2 decimals only when a row is finished ({@link toFunnelMetrics}).
 */

/** Additive facts before any ratio is derived. */
export type FunnelCounts = {
  spend: number;
  impressions: number;
  clicks: number;
  leads: number;
  opportunities: number;
  sales: number;
  revenue: number;
};

export const EMPTY_COUNTS: Readonly<FunnelCounts> = Object.freeze({
  spend: 0,
  impressions: 0,
  clicks: 0,
  leads: 0,
  opportunities: 0,
  sales: 0,
  revenue: 0,
});

export function addCounts(a: FunnelCounts, b: FunnelCounts): FunnelCounts {
  return {
    spend: a.spend + b.spend,
    impressions: a.impressions + b.impressions,
    clicks: a.clicks + b.clicks,
    leads: a.leads + b.leads,
    opportunities: a.opportunities + b.opportunities,
    sales: a.sales + b.sales,
    revenue: a.revenue + b.revenue,
  };
}

export function sumCounts(items: readonly FunnelCounts[]): FunnelCounts {
  return items.reduce<FunnelCounts>(addCounts, { ...EMPTY_COUNTS });
}

/** Round half away from zero to 2 decimals, robust to binary noise (1.005 → 1.01); never returns -0. */
export function roundMoney(value: number): number {
  const scaled = Number((Math.abs(value) * 100).toPrecision(15));
  const rounded = (Math.sign(value) * Math.round(scaled)) / 100;
  return rounded === 0 ? 0 : rounded;
}

/** spend / leads; null when there are no leads. Full precision. */
export function costPerLead(spend: number, leads: number): number | null {
  return leads > 0 ? spend / leads : null;
}

/** (revenue − spend) / spend × 100; null when nothing was spent. Full precision. */
export function roiPercent(revenue: number, spend: number): number | null {
  return spend > 0 ? ((revenue - spend) / spend) * 100 : null;
}

/** Finish a row: derive the ratios from full-precision sums, then round money and percentages. */
export function toFunnelMetrics(counts: FunnelCounts): FunnelMetrics {
  const cpl = costPerLead(counts.spend, counts.leads);
  const roi = roiPercent(counts.revenue, counts.spend);
  return {
    spend: roundMoney(counts.spend),
    impressions: counts.impressions,
    clicks: counts.clicks,
    leads: counts.leads,
    opportunities: counts.opportunities,
    sales: counts.sales,
    revenue: roundMoney(counts.revenue),
    costPerLead: cpl === null ? null : roundMoney(cpl),
    roiPercent: roi === null ? null : roundMoney(roi),
  };
}

/** Sales recorded in a currency other than the ad account's make revenue − spend meaningless: flag it. */
export function hasCurrencyMismatch(adAccountCurrency: string, salesCurrencies: readonly string[]): boolean {
  const expected = adAccountCurrency.trim().toUpperCase();
  return salesCurrencies.some((currency) => currency.trim().toUpperCase() !== expected);
}

export type RoiBreakdown = {
  campaigns: CampaignRoiRow[];
  unattributed: FunnelMetrics;
  totals: FunnelMetrics;
};

type AdAccumulator = {
  adId: string;
  adName: string;
  adsetId: string | null;
  campaignId: string;
  campaignName: string;
  counts: FunnelCounts;
};

function crmCounts(row: AttributionRow): FunnelCounts {
  return {
    ...EMPTY_COUNTS,
    leads: row.leads,
    opportunities: row.opportunities,
    sales: row.sales,
    revenue: row.revenue,
  };
}

function bySpendThen<T>(spend: (item: T) => number, ...keys: ((item: T) => string)[]) {
  return (a: T, b: T): number => {
    const bySpend = spend(b) - spend(a);
    if (bySpend !== 0) return bySpend;
    for (const key of keys) {
      const compared = key(a).localeCompare(key(b));
      if (compared !== 0) return compared;
    }
    return 0;
  };
}

/**
 * Join Meta insights (one row per ad of the account) with CRM attribution (one row per campaign/ad set/ad of
 * the leads):
 * - CRM rows match insight rows on the ad id; the ad's campaign and ad set are Meta's, not the lead's;
 * - CRM rows with no ad id, or an ad Meta did not return, go to `unattributed` (no spend);
 * - a campaign is the sum of its ads; ads and campaigns are sorted by spend, highest first;
 * - totals are every campaign plus `unattributed`.
 */
export function buildRoiBreakdown(
  insights: readonly AdInsightRow[],
  attribution: readonly AttributionRow[],
): RoiBreakdown {
  const ads = new Map<string, AdAccumulator>();
  for (const row of insights) {
    const existing = ads.get(row.adId);
    const counts: FunnelCounts = {
      ...EMPTY_COUNTS,
      spend: finite(row.spend),
      impressions: finite(row.impressions),
      clicks: finite(row.clicks),
    };
    if (existing) {
      existing.counts = addCounts(existing.counts, counts);
    } else {
      ads.set(row.adId, {
        adId: row.adId,
        adName: row.adName,
        adsetId: row.adsetId || null,
        campaignId: row.campaignId,
        campaignName: row.campaignName,
        counts,
      });
    }
  }

  let unattributed: FunnelCounts = { ...EMPTY_COUNTS };
  for (const row of attribution) {
    const ad = row.metaAdId ? ads.get(row.metaAdId) : undefined;
    if (ad) ad.counts = addCounts(ad.counts, crmCounts(row));
    else unattributed = addCounts(unattributed, crmCounts(row));
  }

  const campaigns = new Map<string, { campaignId: string; campaignName: string; ads: AdAccumulator[] }>();
  for (const ad of ads.values()) {
    const campaign = campaigns.get(ad.campaignId) ?? {
      campaignId: ad.campaignId,
      campaignName: ad.campaignName,
      ads: [],
    };
    campaign.ads.push(ad);
    campaigns.set(ad.campaignId, campaign);
  }

  const campaignRows = [...campaigns.values()].map((campaign) => {
    const counts = sumCounts(campaign.ads.map((ad) => ad.counts));
    const adRows: AdRoiRow[] = [...campaign.ads]
      .sort(
        bySpendThen(
          (ad) => ad.counts.spend,
          (ad) => ad.adName,
          (ad) => ad.adId,
        ),
      )
      .map((ad) => ({
        adId: ad.adId,
        adName: ad.adName,
        adsetId: ad.adsetId,
        ...toFunnelMetrics(ad.counts),
      }));
    return { campaignId: campaign.campaignId, campaignName: campaign.campaignName, counts, ads: adRows };
  });
  campaignRows.sort(
    bySpendThen(
      (c) => c.counts.spend,
      (c) => c.campaignName,
      (c) => c.campaignId,
    ),
  );

  const totals = addCounts(sumCounts(campaignRows.map((c) => c.counts)), unattributed);
  return {
    campaigns: campaignRows.map((c): CampaignRoiRow => ({
      campaignId: c.campaignId,
      campaignName: c.campaignName,
      ...toFunnelMetrics(c.counts),
      ads: c.ads,
    })),
    unattributed: toFunnelMetrics(unattributed),
    totals: toFunnelMetrics(totals),
  };
}

/** Insight numbers arrive over JSON: anything that is not a finite number counts as 0. */
function finite(value: unknown): number {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : 0;
}
