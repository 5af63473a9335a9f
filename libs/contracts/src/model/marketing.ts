import type { IsoDate, IsoInstant } from './common';
import type { ConnectionState } from './meta';

export const RANGE_PRESETS = ['last_7d', 'last_30d', 'last_90d', 'this_year', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export type FunnelMetrics = {
  spend: number;
  impressions: number;
  clicks: number;
  leads: number;
  opportunities: number;
  sales: number;
  revenue: number;
  /** spend / leads; null when there are no leads. */
  costPerLead: number | null;
  /** (revenue − spend) / spend × 100; null when spend is 0 (shown as "—"). */
  roiPercent: number | null;
};

export type ReportRange = { preset: RangePreset; since: IsoDate; until: IsoDate; timezone: string };

export type ReportMeta = {
  range: ReportRange;
  /** Ad account currency: spend is in it. */
  currency: string;
  salesCurrencies: string[];
  /** Sales were recorded in a currency other than the ad account's. */
  currencyMismatch: boolean;
  connection: ConnectionState;
  /** Spend came from the cache because Meta was rate-limited or down. */
  stale: boolean;
  /** Set when the whole report is the last good snapshot (Meta failing now): when that snapshot was computed. */
  snapshotAt?: IsoInstant;
};

export type StatsReport = ReportMeta & { totals: FunnelMetrics };

export type AdRoiRow = FunnelMetrics & { adId: string; adName: string; adsetId: string | null };
export type CampaignRoiRow = FunnelMetrics & { campaignId: string; campaignName: string; ads: AdRoiRow[] };

export type RoiReport = ReportMeta & {
  campaigns: CampaignRoiRow[];
  /** Attributed leads whose ad Meta does not return (deleted ads, other accounts). */
  unattributed: FunnelMetrics;
};

// ---- issue 8: one report per view, from marketing-service's read model ----

/**
 * `cohort`: the leads created in the range and everything they became, whenever it happened (keyed by the lead's
 * creation day). `period`: leads, opportunities, wins, losses, sales and refunds that happened in the range (each on
 * its own day).
 */
export const REPORT_VIEWS = ['cohort', 'period'] as const;
export type ReportView = (typeof REPORT_VIEWS)[number];
export const DEFAULT_REPORT_VIEW: ReportView = 'period';

/** Funnel facts and ratios of a row of the report. Every ratio is `null` when undefined (never 0 or Infinity). */
export type ReportMetrics = FunnelMetrics & {
  won: number;
  lost: number;
  /** Refunds (a refunded sale is not in `sales` or `revenue`). */
  refunds: number;
  /** spend / opportunities; null when spend or opportunities is 0. */
  costPerOpportunity: number | null;
  /** spend / sales; null when spend or sales is 0. */
  costPerSale: number | null;
  /** revenue / spend; null when spend is 0. */
  roas: number | null;
  /** Sales in another currency with no rate on their day: not in `revenue`, `roas` or `roiPercent`. */
  unconvertedSales: number;
};

export type ReportAdRow = ReportMetrics & { adId: string; adName: string; adsetId: string | null };
export type ReportCampaignRow = ReportMetrics & {
  campaignId: string;
  campaignName: string;
  ads: ReportAdRow[];
};

/** One calendar day (ad account timezone) of the range. `revenue` as in the KPIs (report currency). */
export type ReportDay = {
  day: IsoDate;
  spend: number;
  leads: number;
  opportunities: number;
  sales: number;
  revenue: number;
};

/**
 * Sales of one currency in the range. `amount` is in that currency; in the report's currency it is `amount` itself,
 * in another one `convertedAmount` is what the dated rates gave (`convertedSales` of them) and `unconvertedAmount`
 * is what had no rate on its day (left out of revenue and ROI).
 */
export type CurrencyRevenue = {
  currency: string;
  sales: number;
  amount: number;
  refunds: number;
  refundedAmount: number;
  convertedSales: number;
  convertedAmount: number;
  unconvertedSales: number;
  unconvertedAmount: number;
  /** Why part of it is not in revenue: no rate from this currency to the report's on or before the sale's day. */
  reason: 'no_rate' | null;
};

export type ReportFunnel = {
  leads: number;
  opportunities: number;
  won: number;
  lost: number;
  sales: number;
  refunds: number;
};

export type MarketingReport = ReportMeta & {
  view: ReportView;
  kpis: ReportMetrics;
  campaigns: ReportCampaignRow[];
  /** Attributed leads whose ad Meta does not return, and Meta leads with no ad. */
  unattributed: ReportMetrics;
  /** Every day of the range, oldest first. */
  daily: ReportDay[];
  funnel: ReportFunnel;
  /** Sales per currency; the report's currency first. */
  revenueByCurrency: CurrencyRevenue[];
  /** First day with a Meta lead in the read model (ad account timezone); null when there is none. */
  crmHistoryStartsOn: IsoDate | null;
  /** The range starts before `crmHistoryStartsOn`: Meta spend of those days has no CRM facts to compare with. */
  rangeExceedsHistory: boolean;
};

// ---- dated exchange rates (marketing-service `fx_rates`) ----

export type FxRateView = {
  id: string;
  /** The rate holds from this day (inclusive) until the next rate of the same pair. */
  day: IsoDate;
  from: string;
  to: string;
  /** 1 `from` = `rate` `to`. */
  rate: number;
  createdAt: IsoInstant;
};

export type FxImportResult = { imported: number; updated: number };
