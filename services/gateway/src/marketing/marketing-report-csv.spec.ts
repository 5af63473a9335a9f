import type { MarketingReport, ReportMetrics } from '@crm/contracts';
import {
  REPORT_CSV_COLUMNS,
  csvMoney,
  csvPercent,
  csvText,
  marketingReportCsv,
  marketingReportFileName,
  reportCsvRows,
} from './marketing-report-csv';

const zero: ReportMetrics = {
  spend: 0,
  impressions: 0,
  clicks: 0,
  leads: 0,
  opportunities: 0,
  sales: 0,
  revenue: 0,
  costPerLead: null,
  roiPercent: null,
  won: 0,
  lost: 0,
  refunds: 0,
  costPerOpportunity: null,
  costPerSale: null,
  roas: null,
  unconvertedSales: 0,
};

const metrics = (over: Partial<ReportMetrics>): ReportMetrics => ({ ...zero, ...over });

function report(over: Partial<MarketingReport> = {}): MarketingReport {
  return {
    range: { preset: 'custom', since: '2026-01-01', until: '2026-01-31', timezone: 'America/Mexico_City' },
    currency: 'MXN',
    salesCurrencies: ['MXN'],
    currencyMismatch: false,
    connection: 'connected',
    stale: false,
    view: 'cohort',
    kpis: zero,
    campaigns: [
      {
        ...metrics({
          spend: 1234.5,
          impressions: 10000,
          clicks: 321,
          leads: 7,
          opportunities: 3,
          won: 2,
          sales: 2,
          revenue: 5000,
          costPerLead: 176.36,
          costPerOpportunity: 411.5,
          costPerSale: 617.25,
          roas: 4.05,
          roiPercent: 305.02,
          unconvertedSales: 1,
        }),
        campaignId: '120000000000001',
        campaignName: 'Preventa "Torre Sur", fase 1',
        ads: [
          {
            ...metrics({ spend: 1234.5, leads: 7, costPerLead: 176.36, roiPercent: -12.25 }),
            adId: '120000000000011',
            adName: '=HYPERLINK("http://evil")',
            adsetId: null,
          },
        ],
      },
    ],
    unattributed: zero,
    daily: [],
    funnel: { leads: 0, opportunities: 0, won: 0, lost: 0, sales: 0, refunds: 0 },
    revenueByCurrency: [],
    crmHistoryStartsOn: null,
    rangeExceedsHistory: false,
    ...over,
  };
}

describe('csvText (RFC 4180 and formula injection)', () => {
  it.each([
    ['Casa Norte', 'Casa Norte'],
    ['a,b', '"a,b"'],
    ['dijo "sí"', '"dijo ""sí"""'],
    ['dos\nlíneas', '"dos\nlíneas"'],
    ['=1+1', "'=1+1"],
    ['+52 55', "'+52 55"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=A1,B1', `"'=A1,B1"`],
    ['x=1', 'x=1'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(csvText(input)).toBe(expected);
  });
});

describe('number cells round as the screen does', () => {
  it('money and ratios: 2 decimals, dot, no grouping, empty for null', () => {
    expect(csvMoney(118422.5)).toBe('118422.50');
    expect(csvMoney(0)).toBe('0.00');
    expect(csvMoney(-3.456)).toBe('-3.46');
    expect(csvMoney(null)).toBe('');
  });

  it('ROI: 1 decimal as Intl percent rounds value / 100 (the screen), no "-0.0"', () => {
    expect(csvPercent(305.02)).toBe('305.0');
    expect(csvPercent(-12.25)).toBe(
      new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 })
        .format(-12.25 / 100)
        .replace('%', ''),
    );
    expect(csvPercent(1234.56)).toBe('1234.6');
    expect(csvPercent(-0.01)).toBe('0.0');
    expect(csvPercent(null)).toBe('');
  });
});

describe('marketingReportCsv', () => {
  it('starts with a BOM and the header, one CRLF-ended line per campaign and ad', () => {
    const csv = marketingReportCsv(report());
    expect(
      csv.startsWith('\uFEFFlevel,campaign_id,campaign_name,ad_id,ad_name,view,since,until,currency,'),
    ).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(4); // header, campaign, ad, '' after the last CRLF
    expect(lines[1]).toBe(
      'campaign,120000000000001,"Preventa ""Torre Sur"", fase 1",,,cohort,2026-01-01,2026-01-31,MXN,' +
        '1234.50,10000,321,7,3,2,2,5000.00,176.36,411.50,617.25,4.05,305.0,1',
    );
  });

  it('names the ad and its campaign on the ad row, escapes a formula, leaves null ratios empty', () => {
    const [, , ad] = reportCsvRows(report());
    const cell = (column: (typeof REPORT_CSV_COLUMNS)[number]) => ad![REPORT_CSV_COLUMNS.indexOf(column)];
    expect(cell('level')).toBe('ad');
    expect(cell('campaign_id')).toBe('120000000000001');
    expect(cell('ad_id')).toBe('120000000000011');
    expect(cell('ad_name')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(cell('cost_per_sale')).toBe('');
    expect(cell('roas')).toBe('');
    expect(cell('roi_percent')).toBe('-12.3');
  });

  it('adds the unattributed row only when it has something', () => {
    expect(reportCsvRows(report()).map((row) => row[0])).toEqual(['level', 'campaign', 'ad']);
    const withUnattributed = report({ unattributed: metrics({ leads: 2 }) });
    const rows = reportCsvRows(withUnattributed);
    expect(rows.map((row) => row[0])).toEqual(['level', 'campaign', 'ad', 'unattributed']);
    expect(rows[3]!.slice(1, 5)).toEqual(['', '', '', '']);
  });

  it('has one column per header cell on every row', () => {
    for (const row of reportCsvRows(report({ unattributed: metrics({ spend: 1 }) }))) {
      expect(row).toHaveLength(REPORT_CSV_COLUMNS.length);
    }
  });

  it('file name from the resolved range and the view', () => {
    expect(marketingReportFileName(report())).toBe('marketing-2026-01-01_2026-01-31-cohort.csv');
  });
});
