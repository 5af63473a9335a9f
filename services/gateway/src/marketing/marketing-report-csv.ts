import type { MarketingReport, ReportMetrics } from '@crm/contracts';

/**
 * The Marketing Hub report as a CSV file (`GET /crm/marketing/stats/export.csv`): one row per campaign, then one
 * per ad of it, then the `unattributed` row when it has anything. RFC 4180 (CRLF, fields with `,` `"` CR or LF
 * quoted, `"` doubled), UTF-8 with a BOM so Excel in Mexico reads accents right.
 *
 * No CSV library: quoting and the formula guard are a dozen lines (below), fewer than wiring one up.
 *
 * Numbers are machine-readable (dot decimal, no grouping) and rounded exactly as the screen rounds them: the
 * frontend formats money with Intl's currency style (2 decimals), ROAS with 2 and ROI with Intl's percent style
 * (`value / 100`, at most 1 decimal), so the same Intl rounding is used here (en-US, no grouping). A null ratio is
 * an empty cell.
 */

export const REPORT_CSV_COLUMNS = [
  'level',
  'campaign_id',
  'campaign_name',
  'ad_id',
  'ad_name',
  'view',
  'since',
  'until',
  'currency',
  'spend',
  'impressions',
  'clicks',
  'leads',
  'opportunities',
  'won',
  'sales',
  'revenue',
  'cost_per_lead',
  'cost_per_opportunity',
  'cost_per_sale',
  'roas',
  'roi_percent',
  'unconverted_sales',
] as const;

export type ReportCsvColumn = (typeof REPORT_CSV_COLUMNS)[number];
export type ReportCsvLevel = 'campaign' | 'ad' | 'unattributed';

const BOM = '\uFEFF';
const EOL = '\r\n';

/** A leading character a spreadsheet reads as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: prefixed with `'` when a spreadsheet would run it as a formula, then quoted per RFC 4180. */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const fixed = (digits: number) =>
  new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
    signDisplay: 'negative',
  });
const MONEY = fixed(2);
const COUNT = fixed(0);
const PERCENT = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  useGrouping: false,
  signDisplay: 'negative',
});

export const csvMoney = (value: number | null): string => (value === null ? '' : MONEY.format(value));
export const csvCount = (value: number): string => COUNT.format(value);
/** A percentage value (`12.25` means 12.25 %), rounded as the screen's percent format: `12.2`. */
export const csvPercent = (value: number | null): string =>
  value === null ? '' : PERCENT.format(value / 100).replace('%', '');

type RowLabels = {
  level: ReportCsvLevel;
  campaignId: string;
  campaignName: string;
  adId: string;
  adName: string;
};

function metricsRow(report: MarketingReport, labels: RowLabels, m: ReportMetrics): string[] {
  const cells: Record<ReportCsvColumn, string> = {
    level: labels.level,
    campaign_id: csvText(labels.campaignId),
    campaign_name: csvText(labels.campaignName),
    ad_id: csvText(labels.adId),
    ad_name: csvText(labels.adName),
    view: report.view,
    since: report.range.since,
    until: report.range.until,
    currency: csvText(report.currency),
    spend: csvMoney(m.spend),
    impressions: csvCount(m.impressions),
    clicks: csvCount(m.clicks),
    leads: csvCount(m.leads),
    opportunities: csvCount(m.opportunities),
    won: csvCount(m.won),
    sales: csvCount(m.sales),
    revenue: csvMoney(m.revenue),
    cost_per_lead: csvMoney(m.costPerLead),
    cost_per_opportunity: csvMoney(m.costPerOpportunity),
    cost_per_sale: csvMoney(m.costPerSale),
    roas: csvMoney(m.roas),
    roi_percent: csvPercent(m.roiPercent),
    unconverted_sales: csvCount(m.unconvertedSales),
  };
  return REPORT_CSV_COLUMNS.map((column) => cells[column]);
}

/** Whether a row has any fact worth a line (the unattributed row is left out when it is all zero). */
function hasAnything(m: ReportMetrics): boolean {
  return [
    m.spend,
    m.impressions,
    m.clicks,
    m.leads,
    m.opportunities,
    m.won,
    m.lost,
    m.sales,
    m.refunds,
    m.revenue,
    m.unconvertedSales,
  ].some((value) => value !== 0);
}

/** The rows of the file, header first, cells already escaped. */
export function reportCsvRows(report: MarketingReport): string[][] {
  const rows: string[][] = [[...REPORT_CSV_COLUMNS]];
  for (const campaign of report.campaigns) {
    const { campaignId, campaignName } = campaign;
    rows.push(
      metricsRow(report, { level: 'campaign', campaignId, campaignName, adId: '', adName: '' }, campaign),
    );
    for (const ad of campaign.ads) {
      const labels = { level: 'ad', campaignId, campaignName, adId: ad.adId, adName: ad.adName } as const;
      rows.push(metricsRow(report, labels, ad));
    }
  }
  if (hasAnything(report.unattributed)) {
    const labels = { level: 'unattributed', campaignId: '', campaignName: '', adId: '', adName: '' } as const;
    rows.push(metricsRow(report, labels, report.unattributed));
  }
  return rows;
}

/** The whole file: BOM, header, rows, CRLF after each line. */
export function marketingReportCsv(report: MarketingReport): string {
  return (
    BOM +
    reportCsvRows(report)
      .map((row) => row.join(',') + EOL)
      .join('')
  );
}

/** `marketing-<since>_<until>-<view>.csv` (the range the report resolved, so a preset names its days). */
export function marketingReportFileName(report: MarketingReport): string {
  return `marketing-${report.range.since}_${report.range.until}-${report.view}.csv`;
}
