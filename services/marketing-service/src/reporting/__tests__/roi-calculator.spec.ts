import type { AdInsightRow, AttributionRow, FunnelMetrics } from '@crm/contracts';
import {
  buildRoiBreakdown,
  costPerLead,
  hasCurrencyMismatch,
  roiPercent,
  roundMoney,
  toFunnelMetrics,
  EMPTY_COUNTS,
} from '../roi-calculator';

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

function crm(partial: Partial<AttributionRow>): AttributionRow {
  return {
    metaCampaignId: null,
    metaAdsetId: null,
    metaAdId: null,
    leads: 0,
    opportunities: 0,
    sales: 0,
    revenue: 0,
    ...partial,
  };
}

const ADDITIVE = ['spend', 'impressions', 'clicks', 'leads', 'opportunities', 'sales', 'revenue'] as const;

function sumOf(rows: FunnelMetrics[], key: (typeof ADDITIVE)[number]): number {
  return roundMoney(rows.reduce((total, row) => total + row[key], 0));
}

describe('ratios', () => {
  it('cost per lead is spend / leads, null without leads', () => {
    expect(costPerLead(100, 4)).toBe(25);
    expect(costPerLead(100, 0)).toBeNull();
    expect(costPerLead(0, 3)).toBe(0);
  });

  it('ROI is (revenue − spend) / spend × 100, null without spend', () => {
    expect(roiPercent(300, 100)).toBe(200);
    expect(roiPercent(50, 100)).toBe(-50);
    expect(roiPercent(0, 100)).toBe(-100);
    expect(roiPercent(500, 0)).toBeNull();
  });

  it('finished metrics carry null CPL / ROI in the degenerate cases', () => {
    const noLeadsNoSpend = toFunnelMetrics({ ...EMPTY_COUNTS, revenue: 1000, sales: 1 });
    expect(noLeadsNoSpend.costPerLead).toBeNull();
    expect(noLeadsNoSpend.roiPercent).toBeNull();
    const spendNoLeads = toFunnelMetrics({ ...EMPTY_COUNTS, spend: 120 });
    expect(spendNoLeads.costPerLead).toBeNull();
    expect(spendNoLeads.roiPercent).toBe(-100);
  });
});

describe('rounding', () => {
  it('rounds half away from zero, robust to binary noise, never -0', () => {
    expect(roundMoney(1.005)).toBe(1.01);
    expect(roundMoney(2.675)).toBe(2.68);
    expect(roundMoney(-1.005)).toBe(-1.01);
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(roundMoney(-0.001), 0)).toBe(true);
    expect(roundMoney(33.333333)).toBe(33.33);
  });

  it('derives ratios from full-precision sums and rounds only at the edge', () => {
    // 3 × 0.335 spend: rounding each first would give 0.34 × 3 = 1.02; the true sum is 1.005 → 1.01.
    const report = buildRoiBreakdown(
      [
        insight({ adId: '1', campaignId: 'c', spend: 0.335 }),
        insight({ adId: '2', campaignId: 'c', spend: 0.335 }),
        insight({ adId: '3', campaignId: 'c', spend: 0.335 }),
      ],
      [crm({ metaAdId: '1', leads: 3 })],
    );
    expect(report.campaigns[0].spend).toBe(1.01);
    expect(report.campaigns[0].costPerLead).toBe(0.34); // 1.005 / 3 = 0.335 → 0.34
    expect(report.totals.spend).toBe(1.01);
  });

  it('rounds CPL and ROI to 2 decimals', () => {
    const metrics = toFunnelMetrics({ ...EMPTY_COUNTS, spend: 100, leads: 3, revenue: 133.333 });
    expect(metrics.costPerLead).toBe(33.33);
    expect(metrics.roiPercent).toBe(33.33);
    expect(metrics.revenue).toBe(133.33);
  });
});

describe('currency mismatch', () => {
  it('is flagged when any sales currency differs from the ad account currency', () => {
    expect(hasCurrencyMismatch('MXN', [])).toBe(false);
    expect(hasCurrencyMismatch('MXN', ['MXN'])).toBe(false);
    expect(hasCurrencyMismatch('MXN', ['mxn'])).toBe(false);
    expect(hasCurrencyMismatch('MXN', ['MXN', 'USD'])).toBe(true);
    expect(hasCurrencyMismatch('USD', ['MXN'])).toBe(true);
  });
});

describe('buildRoiBreakdown', () => {
  const insights: AdInsightRow[] = [
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
  const attribution: AttributionRow[] = [
    crm({
      metaCampaignId: 'c1',
      metaAdsetId: 'set-a1',
      metaAdId: 'a1',
      leads: 4,
      opportunities: 2,
      sales: 1,
      revenue: 500,
    }),
    // The lead says campaign "old" but Meta says a2 belongs to c1: Meta wins.
    crm({ metaCampaignId: 'old', metaAdsetId: 'x', metaAdId: 'a2', leads: 2, opportunities: 1 }),
    crm({ metaCampaignId: 'c1', metaAdsetId: 'set-a2', metaAdId: 'a2', leads: 1, sales: 2, revenue: 250.25 }),
    crm({ metaCampaignId: 'c2', metaAdId: 'a4', leads: 3 }),
    // Ad Meta does not know (deleted, other account) and a lead without an ad: unattributed.
    crm({
      metaCampaignId: 'gone',
      metaAdId: 'deleted-ad',
      leads: 5,
      opportunities: 1,
      sales: 1,
      revenue: 99.99,
    }),
    crm({ metaAdId: null, leads: 2 }),
  ];
  const report = buildRoiBreakdown(insights, attribution);

  it('sorts campaigns and their ads by spend, highest first', () => {
    expect(report.campaigns.map((c) => c.campaignId)).toEqual(['c3', 'c1', 'c2']);
    expect(report.campaigns[1].ads.map((a) => a.adId)).toEqual(['a2', 'a1']);
    expect(report.campaigns[2].ads.map((a) => a.adId)).toEqual(['a3', 'a4']);
  });

  it("matches CRM rows to ads on the ad id and uses Meta's campaign and ad set", () => {
    const leads = report.campaigns.find((c) => c.campaignId === 'c1')!;
    const a2 = leads.ads.find((a) => a.adId === 'a2')!;
    expect(a2).toMatchObject({
      adName: 'Ad a2',
      adsetId: 'set-a2',
      leads: 3,
      opportunities: 1,
      sales: 2,
      revenue: 250.25,
    });
    expect(report.campaigns.some((c) => c.campaignId === 'old')).toBe(false);
  });

  it('keeps every ad, including the ones that did not deliver', () => {
    const a4 = report.campaigns.find((c) => c.campaignId === 'c2')!.ads.find((a) => a.adId === 'a4')!;
    expect(a4).toMatchObject({ spend: 0, leads: 3, costPerLead: 0, roiPercent: null });
  });

  it("derives each ad's CPL and ROI", () => {
    const a1 = report.campaigns[1].ads.find((a) => a.adId === 'a1')!;
    expect(a1.costPerLead).toBe(25.03); // 100.1 / 4 = 25.025
    expect(a1.roiPercent).toBe(399.5); // (500 − 100.1) / 100.1 × 100 = 399.50…
    const brand = report.campaigns[0];
    expect(brand).toMatchObject({ leads: 0, costPerLead: null, roiPercent: -100 });
  });

  it('a campaign is the sum of its ads', () => {
    for (const campaign of report.campaigns) {
      for (const key of ADDITIVE) expect(campaign[key]).toBe(sumOf(campaign.ads, key));
    }
    const c1 = report.campaigns[1];
    expect(c1).toMatchObject({
      spend: 400.3,
      impressions: 4000,
      clicks: 40,
      leads: 7,
      opportunities: 3,
      sales: 3,
    });
    expect(c1.revenue).toBe(750.25);
    expect(c1.costPerLead).toBe(57.19); // 400.3 / 7 = 57.185…
    expect(c1.roiPercent).toBe(87.42); // (750.25 − 400.3) / 400.3 × 100 = 87.4219…
  });

  it('puts CRM rows without a known ad in unattributed, with no spend', () => {
    expect(report.unattributed).toEqual({
      spend: 0,
      impressions: 0,
      clicks: 0,
      leads: 7,
      opportunities: 1,
      sales: 1,
      revenue: 99.99,
      costPerLead: 0,
      roiPercent: null,
    });
  });

  it('totals are every campaign plus unattributed; spend only from Meta', () => {
    for (const key of ADDITIVE) {
      expect(report.totals[key]).toBe(sumOf([...report.campaigns, report.unattributed], key));
    }
    expect(report.totals).toMatchObject({
      spend: 1450.3,
      leads: 17,
      opportunities: 4,
      sales: 4,
      revenue: 850.24,
    });
    expect(report.totals.costPerLead).toBe(85.31); // 1450.3 / 17 = 85.3117…
    expect(report.totals.roiPercent).toBe(-41.37); // (850.24 − 1450.3) / 1450.3 × 100 = −41.3749…
  });

  it('adds up several insight rows of the same ad', () => {
    const twice = buildRoiBreakdown(
      [
        insight({ adId: 'a', campaignId: 'c', spend: 10, impressions: 100, clicks: 1 }),
        insight({ adId: 'a', campaignId: 'c', spend: 5.5, impressions: 50, clicks: 2 }),
      ],
      [],
    );
    expect(twice.campaigns).toHaveLength(1);
    expect(twice.campaigns[0].ads).toHaveLength(1);
    expect(twice.campaigns[0].ads[0]).toMatchObject({ spend: 15.5, impressions: 150, clicks: 3 });
  });

  it('without Meta (not connected) every CRM row is unattributed and spend is 0', () => {
    const disconnected = buildRoiBreakdown([], attribution);
    expect(disconnected.campaigns).toEqual([]);
    expect(disconnected.totals).toMatchObject({
      spend: 0,
      leads: 17,
      revenue: 850.24,
      roiPercent: null,
      costPerLead: 0,
    });
    expect(disconnected.unattributed).toEqual(disconnected.totals);
  });

  it('is empty but well-formed with no data at all', () => {
    const empty = buildRoiBreakdown([], []);
    expect(empty.totals).toEqual({
      spend: 0,
      impressions: 0,
      clicks: 0,
      leads: 0,
      opportunities: 0,
      sales: 0,
      revenue: 0,
      costPerLead: null,
      roiPercent: null,
    });
  });
});
