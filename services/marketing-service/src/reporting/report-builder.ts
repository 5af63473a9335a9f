import type {
  AdInsightDay,
  AdInsightRow,
  CurrencyRevenue,
  IsoDate,
  ReportAdRow,
  ReportCampaignRow,
  ReportDay,
  ReportFunnel,
  ReportMetrics,
} from '@crm/contracts';
import type { AdFactSums, DatedRate, DayFactSums, FactSums, ForeignFactSums } from './report-facts.store';

/**
 * Pure assembly of the Marketing Hub report from Meta insights and the read model's sums. Money: revenue is in
 * the report's currency (the ad account's); a sale in another currency counts in revenue only converted with the
 * rate valid on its day (the latest on or before it); without one it is listed apart and left out of revenue, ROAS
 * and ROI. Ratios are derived from full-precision sums and are `null` when undefined.
 */

/** Round half away from zero to 2 decimals, robust to binary noise (1.005 → 1.01); never returns -0. */
export function roundMoney(value: number): number {
  // A nudge of a few units in the last place lifts binary noise (100.49999999999999 for 1.005) over the half without
  // the cost of toPrecision (a report rounds tens of thousands of numbers).
  const scaled = Math.abs(value) * 100 * (1 + 4 * Number.EPSILON);
  const rounded = (Math.sign(value) * Math.round(scaled)) / 100;
  return rounded === 0 ? 0 : rounded;
}

/** Additive facts of a row before ratios. `revenue` is in the report's currency. */
export type Counts = {
  spend: number;
  impressions: number;
  clicks: number;
  leads: number;
  opportunities: number;
  won: number;
  lost: number;
  sales: number;
  revenue: number;
  refunds: number;
  unconvertedSales: number;
};

export const emptyCounts = (): Counts => ({
  spend: 0,
  impressions: 0,
  clicks: 0,
  leads: 0,
  opportunities: 0,
  won: 0,
  lost: 0,
  sales: 0,
  revenue: 0,
  refunds: 0,
  unconvertedSales: 0,
});

// Field by field, not a loop over keys nor a partial object per row: a report adds ~10,000 rows and this was the
// most of buildReport's CPU. The additions (and so the float sums) are the same.
function add(into: Counts, from: Counts): Counts {
  addCrmCounts(into, from);
  into.spend += from.spend;
  into.impressions += from.impressions;
  into.clicks += from.clicks;
  into.revenue += from.revenue;
  into.unconvertedSales += from.unconvertedSales;
  return into;
}

/** Meta's delivery of one insights row. */
function addDelivery(into: Counts, row: AdInsightRow): Counts {
  into.spend += num(row.spend);
  into.impressions += num(row.impressions);
  into.clicks += num(row.clicks);
  return into;
}

/** spend / count; null when nothing was spent or there is nothing to divide by. */
export function costPer(spend: number, count: number): number | null {
  return spend > 0 && count > 0 ? spend / count : null;
}

/** revenue / spend; null when nothing was spent. */
export function roas(revenue: number, spend: number): number | null {
  return spend > 0 ? revenue / spend : null;
}

/** (revenue − spend) / spend × 100; null when nothing was spent. */
export function roiPercent(revenue: number, spend: number): number | null {
  return spend > 0 ? ((revenue - spend) / spend) * 100 : null;
}

const rounded = (value: number | null): number | null => (value === null ? null : roundMoney(value));

/** Finish a row: ratios from the unrounded sums, then money and ratios rounded to 2 decimals. */
export function toMetrics(c: Counts): ReportMetrics {
  return {
    spend: roundMoney(c.spend),
    impressions: c.impressions,
    clicks: c.clicks,
    leads: c.leads,
    opportunities: c.opportunities,
    won: c.won,
    lost: c.lost,
    sales: c.sales,
    revenue: roundMoney(c.revenue),
    refunds: c.refunds,
    unconvertedSales: c.unconvertedSales,
    costPerLead: rounded(costPer(c.spend, c.leads)),
    costPerOpportunity: rounded(costPer(c.spend, c.opportunities)),
    costPerSale: rounded(costPer(c.spend, c.sales)),
    roas: rounded(roas(c.revenue, c.spend)),
    roiPercent: rounded(roiPercent(c.revenue, c.spend)),
  };
}

/** Rates of one currency pair, oldest first. */
export type RateTable = Map<string, { day: IsoDate; rate: number }[]>;

export function rateTable(rates: readonly DatedRate[]): RateTable {
  const table: RateTable = new Map();
  for (const rate of rates) {
    const list = table.get(rate.from) ?? [];
    list.push({ day: rate.day, rate: rate.rate });
    table.set(rate.from, list);
  }
  for (const list of table.values()) list.sort((a, b) => a.day.localeCompare(b.day));
  return table;
}

/** The rate valid on `day`: the latest dated on or before it; null when there is none. */
export function rateOn(table: RateTable, currency: string, day: IsoDate): number | null {
  const list = table.get(currency);
  if (!list) return null;
  let lo = 0;
  let hi = list.length - 1;
  let found: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].day <= day) {
      found = list[mid].rate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const DAY_MS = 86_400_000;

/** Every calendar day from `since` to `until` inclusive (UTC date arithmetic: a calendar day has no zone). */
export function daysOf(since: IsoDate, until: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  const end = Date.parse(`${until}T00:00:00Z`);
  for (let day = Date.parse(`${since}T00:00:00Z`); day <= end; day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

const num = (value: string | number): number => Number(value) || 0;

/** The CRM's counts of a sums row (every currency: a sale is a sale) or of another row's counts. */
function addCrmCounts(
  into: Counts,
  sums: Pick<FactSums, 'leads' | 'opportunities' | 'won' | 'lost' | 'sales' | 'refunds'>,
): Counts {
  into.leads += sums.leads;
  into.opportunities += sums.opportunities;
  into.won += sums.won;
  into.lost += sums.lost;
  into.sales += sums.sales;
  into.refunds += sums.refunds;
  return into;
}

export type ReportInputs = {
  currency: string;
  since: IsoDate;
  until: IsoDate;
  insights: { rows: readonly AdInsightRow[]; days: readonly AdInsightDay[] } | null;
  byAd: readonly AdFactSums[];
  byDay: readonly DayFactSums[];
  foreign: readonly ForeignFactSums[];
  rates: readonly DatedRate[];
};

export type ReportBody = {
  kpis: ReportMetrics;
  campaigns: ReportCampaignRow[];
  unattributed: ReportMetrics;
  daily: ReportDay[];
  funnel: ReportFunnel;
  revenueByCurrency: CurrencyRevenue[];
  salesCurrencies: string[];
};

type AdAccumulator = {
  adId: string;
  adName: string;
  adsetId: string | null;
  campaignId: string;
  campaignName: string;
  counts: Counts;
};

/** Meta's ads by id, in the insights' order, each with its delivery summed over its rows. */
function adsOf(rows: readonly AdInsightRow[]): Map<string, AdAccumulator> {
  const ads = new Map<string, AdAccumulator>();
  for (const row of rows) {
    const existing = ads.get(row.adId);
    if (existing) addDelivery(existing.counts, row);
    else
      ads.set(row.adId, {
        adId: row.adId,
        adName: row.adName,
        adsetId: row.adsetId || null,
        campaignId: row.campaignId,
        campaignName: row.campaignName,
        counts: addDelivery(emptyCounts(), row),
      });
  }
  return ads;
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

/** The report's currency first, then the others alphabetically. */
function byCurrency<T>(currency: string, code: (item: T) => string) {
  return (a: T, b: T): number =>
    Number(code(b) === currency) - Number(code(a) === currency) || code(a).localeCompare(code(b));
}

/**
 * Join Meta's ads (names, spend) with the read model's facts:
 * - facts match insight rows on the ad id; the ad's campaign is Meta's; facts of a Meta lead with no ad, or of an
 *   ad Meta did not return, go to `unattributed` (no spend);
 * - counts in every currency add up (a sale is a sale); amounts add to revenue in the report's currency, or converted,
 *   or not at all (`unconvertedSales`);
 * - campaigns and their ads sorted by spend, highest first; totals = campaigns + unattributed.
 */
export function buildReport(input: ReportInputs): ReportBody {
  const { currency } = input;
  const rates = rateTable(input.rates);
  const ads = adsOf(input.insights?.rows ?? []);
  const unattributed = emptyCounts();
  const countsOf = (adId: string | null): Counts => (adId !== null && ads.get(adId)?.counts) || unattributed;

  // Per currency: what the report shows apart.
  const perCurrency = new Map<string, CurrencyRevenue>();
  const currencyRow = (code: string): CurrencyRevenue => {
    let row = perCurrency.get(code);
    if (!row) {
      row = {
        currency: code,
        sales: 0,
        amount: 0,
        refunds: 0,
        refundedAmount: 0,
        convertedSales: 0,
        convertedAmount: 0,
        unconvertedSales: 0,
        unconvertedAmount: 0,
        reason: null,
      };
      perCurrency.set(code, row);
    }
    return row;
  };

  // Counts (every currency) and the report currency's amounts, per ad.
  for (const sums of input.byAd) {
    const counts = countsOf(sums.adId);
    addCrmCounts(counts, sums);
    if (sums.currency === currency) counts.revenue += num(sums.salesAmount);
  }
  // Other currencies, converted day by day, per ad.
  for (const sums of input.foreign) {
    const rate = rateOn(rates, sums.currency, sums.day);
    const amount = num(sums.salesAmount);
    const row = currencyRow(sums.currency);
    row.sales += sums.sales;
    row.amount += amount;
    row.refunds += sums.refunds;
    row.refundedAmount += num(sums.refundAmount);
    if (sums.sales === 0) continue;
    if (rate === null) {
      row.unconvertedSales += sums.sales;
      row.unconvertedAmount += amount;
      row.reason = 'no_rate';
      countsOf(sums.adId).unconvertedSales += sums.sales;
    } else {
      row.convertedSales += sums.sales;
      row.convertedAmount += amount * rate;
      countsOf(sums.adId).revenue += amount * rate;
    }
  }

  // Daily series.
  const spendByDay = new Map((input.insights?.days ?? []).map((d) => [d.day, num(d.spend)]));
  const daily = new Map<IsoDate, ReportDay>(
    daysOf(input.since, input.until).map((day) => [
      day,
      { day, spend: spendByDay.get(day) ?? 0, leads: 0, opportunities: 0, sales: 0, revenue: 0 },
    ]),
  );
  for (const sums of input.byDay) {
    const day = daily.get(sums.day);
    if (!day) continue;
    day.leads += sums.leads;
    day.opportunities += sums.opportunities;
    day.sales += sums.sales;
    if (sums.currency === currency) {
      day.revenue += num(sums.salesAmount);
      const row = currencyRow(currency);
      row.sales += sums.sales;
      row.amount += num(sums.salesAmount);
      row.refunds += sums.refunds;
      row.refundedAmount += num(sums.refundAmount);
    } else if (sums.currency !== '') {
      const rate = rateOn(rates, sums.currency, sums.day);
      if (rate !== null) day.revenue += num(sums.salesAmount) * rate;
    }
  }
  const own = perCurrency.get(currency);
  if (own) {
    own.convertedSales = own.sales;
    own.convertedAmount = own.amount;
  }

  // Campaigns → ads.
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
    const counts = campaign.ads.reduce((sum, ad) => add(sum, ad.counts), emptyCounts());
    const adRows: ReportAdRow[] = [...campaign.ads]
      .sort(
        bySpendThen(
          (ad) => ad.counts.spend,
          (ad) => ad.adName,
          (ad) => ad.adId,
        ),
      )
      .map((ad) => ({ adId: ad.adId, adName: ad.adName, adsetId: ad.adsetId, ...toMetrics(ad.counts) }));
    return { campaignId: campaign.campaignId, campaignName: campaign.campaignName, counts, ads: adRows };
  });
  campaignRows.sort(
    bySpendThen(
      (c) => c.counts.spend,
      (c) => c.campaignName,
      (c) => c.campaignId,
    ),
  );
  const totals = campaignRows.reduce((sum, c) => add(sum, c.counts), add(emptyCounts(), unattributed));

  const money = (value: number) => roundMoney(value);
  const revenueByCurrency = [...perCurrency.values()]
    .map((row) => ({
      ...row,
      amount: money(row.amount),
      refundedAmount: money(row.refundedAmount),
      convertedAmount: money(row.convertedAmount),
      unconvertedAmount: money(row.unconvertedAmount),
    }))
    .sort(byCurrency(currency, (row) => row.currency));

  return {
    kpis: toMetrics(totals),
    campaigns: campaignRows.map((c) => ({
      campaignId: c.campaignId,
      campaignName: c.campaignName,
      ...toMetrics(c.counts),
      ads: c.ads,
    })),
    unattributed: toMetrics(unattributed),
    daily: [...daily.values()].map((d) => ({ ...d, spend: money(d.spend), revenue: money(d.revenue) })),
    funnel: {
      leads: totals.leads,
      opportunities: totals.opportunities,
      won: totals.won,
      lost: totals.lost,
      sales: totals.sales,
      refunds: totals.refunds,
    },
    revenueByCurrency,
    salesCurrencies: revenueByCurrency.filter((row) => row.sales > 0).map((row) => row.currency),
  };
}

export type KpiInputs = {
  currency: string;
  insights: { rows: readonly AdInsightRow[] } | null;
  byDay: readonly DayFactSums[];
  rates: readonly DatedRate[];
};

/**
 * `buildReport(…).kpis` and `.salesCurrencies` without the per-ad join: every fact counts in the totals wherever it is
 * attributed (an ad's or `unattributed`), so the per-day totals of every ad are enough. Spend is summed in
 * buildReport's order (per ad, per campaign, campaigns by spend) so that it and the costs per lead, opportunity and
 * sale are the same to the bit. A foreign sale converts with its day's rate, the same for every ad of the day (a
 * day's sales are never negative and only sales carry an amount, so a day's total converts as its ads do).
 */
export function buildKpis(input: KpiInputs): { kpis: ReportMetrics; salesCurrencies: string[] } {
  const { currency } = input;
  const totals = emptyCounts();
  const ads = adsOf(input.insights?.rows ?? []);
  const campaigns = new Map<string, { campaignId: string; campaignName: string; counts: Counts }>();
  for (const ad of ads.values()) {
    const campaign = campaigns.get(ad.campaignId);
    if (campaign) add(campaign.counts, ad.counts);
    else
      campaigns.set(ad.campaignId, {
        campaignId: ad.campaignId,
        campaignName: ad.campaignName,
        counts: add(emptyCounts(), ad.counts),
      });
  }
  const byCampaignSpend = bySpendThen<{ campaignId: string; campaignName: string; counts: Counts }>(
    (c) => c.counts.spend,
    (c) => c.campaignName,
    (c) => c.campaignId,
  );
  for (const campaign of [...campaigns.values()].sort(byCampaignSpend)) add(totals, campaign.counts);

  const rates = rateTable(input.rates);
  const salesOf = new Map<string, number>();
  for (const sums of input.byDay) {
    addCrmCounts(totals, sums);
    if (sums.currency === '') continue;
    salesOf.set(sums.currency, (salesOf.get(sums.currency) ?? 0) + sums.sales);
    if (sums.currency === currency) totals.revenue += num(sums.salesAmount);
    else if (sums.sales !== 0) {
      const rate = rateOn(rates, sums.currency, sums.day);
      if (rate === null) totals.unconvertedSales += sums.sales;
      else totals.revenue += num(sums.salesAmount) * rate;
    }
  }
  const salesCurrencies = [...salesOf]
    .filter(([, sales]) => sales > 0)
    .map(([code]) => code)
    .sort(byCurrency(currency, (code) => code));
  return { kpis: toMetrics(totals), salesCurrencies };
}
