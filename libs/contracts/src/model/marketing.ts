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
