import type { AdInsightRow, ReportMetrics } from '@crm/contracts';
import {
  buildKpis,
  buildReport,
  costPer,
  daysOf,
  emptyCounts,
  rateOn,
  rateTable,
  roas,
  roiPercent,
  roundMoney,
  toMetrics,
  type ReportInputs,
} from '../report-builder';
import type { AdFactSums, DayFactSums, FactSums, ForeignFactSums } from '../report-facts.store';

function insight(partial: Partial<AdInsightRow> & Pick<AdInsightRow, 'adId' | 'campaignId'>): AdInsightRow {
  return {
    campaignName: `Campaign ${partial.campaignId}`,
    adsetId: `set-${partial.adId}`,
    adsetName: `Set ${partial.adId}`,
    adName: `Ad ${partial.adId}`,
    spend: 0,
    impressions: 0,
    clicks: 0,
    ...partial,
  };
}

const NO_FACTS: FactSums = {
  leads: 0,
  opportunities: 0,
  won: 0,
  lost: 0,
  sales: 0,
  salesAmount: '0',
  refunds: 0,
  refundAmount: '0',
};
const adSums = (adId: string | null, currency: string, sums: Partial<FactSums>): AdFactSums => ({
  ...NO_FACTS,
  ...sums,
  adId,
  currency,
});
const daySums = (day: string, currency: string, sums: Partial<FactSums>): DayFactSums => ({
  ...NO_FACTS,
  ...sums,
  day,
  currency,
});
const foreignSums = (
  adId: string | null,
  day: string,
  currency: string,
  sums: Partial<FactSums>,
): ForeignFactSums => ({
  ...NO_FACTS,
  ...sums,
  adId,
  day,
  currency,
});

function inputs(partial: Partial<ReportInputs>): ReportInputs {
  return {
    currency: 'MXN',
    since: '2026-01-01',
    until: '2026-01-03',
    insights: { rows: [], days: [] },
    byAd: [],
    byDay: [],
    foreign: [],
    rates: [],
    ...partial,
  };
}

const ADDITIVE = [
  'spend',
  'impressions',
  'clicks',
  'leads',
  'opportunities',
  'won',
  'lost',
  'sales',
  'revenue',
] as const;
const sumOf = (rows: ReportMetrics[], key: (typeof ADDITIVE)[number]) =>
  roundMoney(rows.reduce((total, row) => total + row[key], 0));

describe('ratios', () => {
  it('cost per lead / opportunity / sale is spend / count, null without spend or without count', () => {
    expect(costPer(100, 4)).toBe(25);
    expect(costPer(100, 0)).toBeNull();
    // A campaign that spent nothing has no cost per lead ("—"), not 0.
    expect(costPer(0, 3)).toBeNull();
  });

  it('ROAS is revenue / spend and ROI (revenue − spend) / spend × 100, both null without spend', () => {
    expect(roas(300, 100)).toBe(3);
    expect(roas(300, 0)).toBeNull();
    expect(roiPercent(300, 100)).toBe(200);
    expect(roiPercent(0, 100)).toBe(-100);
    expect(roiPercent(500, 0)).toBeNull();
  });

  it('finished metrics are never 0 or Infinity where undefined', () => {
    const noSpend = toMetrics({ ...emptyCounts(), leads: 3, opportunities: 2, sales: 1, revenue: 1000 });
    expect(noSpend).toMatchObject({
      costPerLead: null,
      costPerOpportunity: null,
      costPerSale: null,
      roas: null,
      roiPercent: null,
    });
    const spendOnly = toMetrics({ ...emptyCounts(), spend: 120 });
    expect(spendOnly).toMatchObject({ costPerLead: null, costPerSale: null, roas: 0, roiPercent: -100 });
    for (const value of Object.values(spendOnly)) expect(Number.isFinite(value ?? 0)).toBe(true);
  });

  it('rounds half away from zero, robust to binary noise, never -0', () => {
    expect(roundMoney(1.005)).toBe(1.01);
    expect(roundMoney(2.675)).toBe(2.68);
    expect(roundMoney(-1.005)).toBe(-1.01);
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(roundMoney(-0.001), 0)).toBe(true);
    expect(roundMoney(0.125)).toBe(0.13);
    expect(roundMoney(1.0049)).toBe(1);
    expect(roundMoney(999_999_999_999.99)).toBe(999_999_999_999.99);
    expect(roundMoney(123_456_789.555)).toBe(123_456_789.56);
  });

  it('rounds ratios to 2 decimals from the unrounded sums', () => {
    const metrics = toMetrics({ ...emptyCounts(), spend: 100, leads: 3, sales: 3, revenue: 133.333 });
    expect(metrics).toMatchObject({ costPerLead: 33.33, costPerSale: 33.33, roiPercent: 33.33, roas: 1.33 });
    expect(metrics.revenue).toBe(133.33);
  });
});

describe('dated rates', () => {
  const table = rateTable([
    { from: 'USD', day: '2026-01-10', rate: 17.5 },
    { from: 'USD', day: '2026-01-01', rate: 18 },
    { from: 'EUR', day: '2026-01-05', rate: 20 },
  ]);

  it('uses the latest rate dated on or before the day', () => {
    expect(rateOn(table, 'USD', '2026-01-01')).toBe(18);
    expect(rateOn(table, 'USD', '2026-01-09')).toBe(18);
    expect(rateOn(table, 'USD', '2026-01-10')).toBe(17.5);
    expect(rateOn(table, 'USD', '2026-12-31')).toBe(17.5);
  });

  it('has none before the first rate or for another currency', () => {
    expect(rateOn(table, 'USD', '2025-12-31')).toBeNull();
    expect(rateOn(table, 'EUR', '2026-01-04')).toBeNull();
    expect(rateOn(table, 'COP', '2026-01-10')).toBeNull();
  });
});

describe('daysOf', () => {
  it('lists every calendar day inclusive, across months and leap days', () => {
    expect(daysOf('2028-02-27', '2028-03-01')).toEqual([
      '2028-02-27',
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
    expect(daysOf('2026-01-01', '2026-01-01')).toEqual(['2026-01-01']);
  });
});

describe('buildReport', () => {
  const rows: AdInsightRow[] = [
    insight({
      adId: 'a1',
      campaignId: 'c1',
      campaignName: 'Leads',
      spend: 100.1,
      impressions: 1000,
      clicks: 10,
    }),
    insight({
      adId: 'a2',
      campaignId: 'c1',
      campaignName: 'Leads',
      spend: 300.2,
      impressions: 3000,
      clicks: 30,
    }),
    insight({
      adId: 'a3',
      campaignId: 'c2',
      campaignName: 'WhatsApp',
      spend: 50,
      impressions: 500,
      clicks: 5,
    }),
    insight({ adId: 'a4', campaignId: 'c2', campaignName: 'WhatsApp', spend: 0 }), // did not deliver
    insight({
      adId: 'a5',
      campaignId: 'c3',
      campaignName: 'Brand',
      spend: 1000,
      impressions: 9000,
      clicks: 90,
    }),
  ];
  const byAd: AdFactSums[] = [
    adSums('a1', '', { leads: 4, opportunities: 2, won: 1 }),
    adSums('a1', 'MXN', { sales: 1, salesAmount: '500.00' }),
    adSums('a2', '', { leads: 3, opportunities: 1, lost: 1 }),
    adSums('a2', 'MXN', { sales: 2, salesAmount: '250.25', refunds: 1, refundAmount: '10.00' }),
    adSums('a4', '', { leads: 3 }),
    // Ad Meta does not know (deleted, other account) and Meta leads without an ad: unattributed.
    adSums('deleted-ad', '', { leads: 5, opportunities: 1 }),
    adSums('deleted-ad', 'MXN', { sales: 1, salesAmount: '99.99' }),
    adSums(null, '', { leads: 2 }),
    // USD sales of a1: counted as sales; their amount only converted.
    adSums('a1', 'USD', { sales: 3, salesAmount: '300.00' }),
  ];
  const foreign: ForeignFactSums[] = [
    foreignSums('a1', '2026-01-01', 'USD', { sales: 1, salesAmount: '100.00' }), // no rate yet
    foreignSums('a1', '2026-01-02', 'USD', { sales: 2, salesAmount: '200.00' }), // 18
  ];
  const byDay: DayFactSums[] = [
    daySums('2026-01-01', '', { leads: 10, opportunities: 2 }),
    daySums('2026-01-02', '', { leads: 7, opportunities: 2 }),
    daySums('2026-01-02', 'MXN', { sales: 4, salesAmount: '850.24' }),
    daySums('2026-01-01', 'USD', { sales: 1, salesAmount: '100.00' }),
    daySums('2026-01-02', 'USD', { sales: 2, salesAmount: '200.00' }),
    daySums('2025-12-31', '', { leads: 99 }), // outside the range: ignored
  ];
  const report = buildReport(
    inputs({
      insights: {
        rows,
        days: [
          { day: '2026-01-01', spend: 1000.3, impressions: 1, clicks: 1 },
          { day: '2026-01-02', spend: 450, impressions: 1, clicks: 1 },
        ],
      },
      byAd,
      byDay,
      foreign,
      rates: [{ from: 'USD', day: '2026-01-02', rate: 18 }],
    }),
  );

  it('sorts campaigns and their ads by spend, highest first, and keeps ads that did not deliver', () => {
    expect(report.campaigns.map((c) => c.campaignId)).toEqual(['c3', 'c1', 'c2']);
    expect(report.campaigns[1].ads.map((a) => a.adId)).toEqual(['a2', 'a1']);
    expect(report.campaigns[2].ads.map((a) => a.adId)).toEqual(['a3', 'a4']);
    const a4 = report.campaigns[2].ads[1];
    expect(a4).toMatchObject({ spend: 0, leads: 3, costPerLead: null, roiPercent: null });
  });

  it('adds the converted sales of another currency to revenue and lists the rest apart', () => {
    const a1 = report.campaigns[1].ads.find((a) => a.adId === 'a1')!;
    // 500 MXN + 200 USD × 18; the 100 USD of Jan 1 have no rate on or before their day.
    expect(a1).toMatchObject({
      leads: 4,
      opportunities: 2,
      won: 1,
      sales: 4,
      revenue: 4100,
      unconvertedSales: 1,
    });
    expect(a1.roiPercent).toBe(roundMoney(((4100 - 100.1) / 100.1) * 100));
    expect(report.revenueByCurrency).toEqual([
      expect.objectContaining({
        currency: 'MXN',
        sales: 4,
        amount: 850.24,
        convertedAmount: 850.24,
        reason: null,
      }),
      expect.objectContaining({
        currency: 'USD',
        sales: 3,
        amount: 300,
        convertedSales: 2,
        convertedAmount: 3600,
        unconvertedSales: 1,
        unconvertedAmount: 100,
        reason: 'no_rate',
      }),
    ]);
    expect(report.salesCurrencies).toEqual(['MXN', 'USD']);
  });

  it('a campaign is the sum of its ads; totals are the campaigns plus unattributed', () => {
    for (const campaign of report.campaigns) {
      for (const key of ADDITIVE) expect(campaign[key]).toBe(sumOf(campaign.ads, key));
    }
    for (const key of ADDITIVE) {
      expect(report.kpis[key]).toBe(sumOf([...report.campaigns, report.unattributed], key));
    }
    expect(report.unattributed).toMatchObject({
      spend: 0,
      leads: 7,
      opportunities: 1,
      sales: 1,
      revenue: 99.99,
    });
    expect(report.kpis).toMatchObject({
      spend: 1450.3,
      leads: 17,
      sales: 7,
      refunds: 1,
      unconvertedSales: 1,
    });
    expect(report.kpis.revenue).toBe(roundMoney(500 + 3600 + 250.25 + 99.99));
    expect(report.funnel).toEqual({ leads: 17, opportunities: 4, won: 1, lost: 1, sales: 7, refunds: 1 });
  });

  it('gives every day of the range, with spend from Meta and converted revenue', () => {
    expect(report.daily).toEqual([
      { day: '2026-01-01', spend: 1000.3, leads: 10, opportunities: 2, sales: 1, revenue: 0 },
      {
        day: '2026-01-02',
        spend: 450,
        leads: 7,
        opportunities: 2,
        sales: 6,
        revenue: roundMoney(850.24 + 3600),
      },
      { day: '2026-01-03', spend: 0, leads: 0, opportunities: 0, sales: 0, revenue: 0 },
    ]);
  });

  it('without Meta every fact is unattributed and every ratio that needs spend is null', () => {
    const disconnected = buildReport(
      inputs({ insights: null, byAd: byAd.filter((r) => r.currency !== 'USD') }),
    );
    expect(disconnected.campaigns).toEqual([]);
    expect(disconnected.unattributed).toEqual(disconnected.kpis);
    expect(disconnected.kpis).toMatchObject({
      spend: 0,
      leads: 17,
      costPerLead: null,
      roas: null,
      roiPercent: null,
    });
  });

  it('is empty but well-formed with no data at all', () => {
    const empty = buildReport(inputs({ insights: null }));
    expect(empty.kpis).toMatchObject({ leads: 0, revenue: 0, costPerLead: null, roiPercent: null });
    expect(empty.daily).toHaveLength(3);
    expect(empty.revenueByCurrency).toEqual([]);
  });
});

describe('buildKpis (the stats card without the per-ad join)', () => {
  // Spends whose float sum depends on the order they are added in: the card must add them as the report does.
  const rows = [
    insight({ adId: 'a1', campaignId: 'c1', spend: 0.1, impressions: 10, clicks: 1 }),
    insight({ adId: 'a2', campaignId: 'c2', spend: 0.3, impressions: 20, clicks: 2 }),
    insight({ adId: 'a3', campaignId: 'c1', spend: 0.2, impressions: 30, clicks: 3 }),
    insight({ adId: 'a4', campaignId: 'c3', spend: 0.6, impressions: 0, clicks: 0 }),
    // Meta's answer has the ad twice: it stays in its first campaign.
    insight({ adId: 'a1', campaignId: 'c3', spend: 0, impressions: 5, clicks: 0 }),
  ];
  const byAd = [
    adSums('a1', '', { leads: 3, opportunities: 2, won: 1 }),
    adSums('a1', 'MXN', { sales: 2, salesAmount: '100.10' }),
    adSums('gone', 'MXN', { sales: 1, salesAmount: '0.20', refunds: 1, refundAmount: '5.00' }),
    adSums(null, '', { leads: 2, lost: 1 }),
    adSums('a2', 'USD', { sales: 2, salesAmount: '30.00' }),
    adSums('a3', 'EUR', { refunds: 1, refundAmount: '9.99' }),
  ];
  const foreign = [
    foreignSums('a2', '2026-01-01', 'USD', { sales: 1, salesAmount: '10.00' }),
    foreignSums('a2', '2026-01-03', 'USD', { sales: 1, salesAmount: '20.00' }),
    foreignSums('a3', '2026-01-02', 'EUR', { refunds: 1, refundAmount: '9.99' }),
  ];
  const byDay = [
    daySums('2026-01-01', '', { leads: 5, opportunities: 2, won: 1, lost: 1 }),
    daySums('2026-01-01', 'MXN', { sales: 2, salesAmount: '100.10' }),
    daySums('2026-01-02', 'MXN', { sales: 1, salesAmount: '0.20', refunds: 1, refundAmount: '5.00' }),
    daySums('2026-01-01', 'USD', { sales: 1, salesAmount: '10.00' }),
    daySums('2026-01-03', 'USD', { sales: 1, salesAmount: '20.00' }),
    daySums('2026-01-02', 'EUR', { refunds: 1, refundAmount: '9.99' }),
  ];
  const rates = [{ from: 'USD', day: '2026-01-02', rate: 17.5 }];

  it.each([
    ['connected', { rows, days: [] }],
    ['not connected', null],
  ] as const)('%s: the kpis and sales currencies of the full report, from per-day totals', (_, insights) => {
    const full = buildReport(inputs({ insights, byAd, byDay, foreign, rates }));
    const card = buildKpis({ currency: 'MXN', insights, byDay, rates });
    expect(card).toEqual({ kpis: full.kpis, salesCurrencies: full.salesCurrencies });
    expect(card.salesCurrencies).toEqual(['MXN', 'USD']);
    // The USD sale of Jan 1 has no rate yet; the one of Jan 3 converts.
    expect(card.kpis).toMatchObject({
      unconvertedSales: 1,
      revenue: roundMoney(100.3 + 20 * 17.5),
      leads: 5,
    });
  });
});
