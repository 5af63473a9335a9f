import { mergeInsights, metaNumber } from '../insights-rows';

const catalogue = [
  { adId: '1', adName: 'A1', adsetId: 's1', adsetName: 'S1', campaignId: 'c1', campaignName: 'C1' },
  { adId: '2', adName: 'A2', adsetId: 's1', adsetName: 'S1', campaignId: 'c1', campaignName: 'C1' },
];

describe('insights rows', () => {
  it("parses Meta's numeric strings", () => {
    expect(metaNumber('1500.50')).toBe(1500.5);
    expect(metaNumber('20000')).toBe(20000);
    expect(metaNumber(undefined)).toBe(0);
    expect(metaNumber('n/a')).toBe(0);
  });

  it('adds catalogue ads that did not spend with zeros, and sums split rows of one ad', () => {
    const rows = mergeInsights(
      [
        {
          ad_id: '1',
          ad_name: 'A1',
          adset_id: 's1',
          adset_name: 'S1',
          campaign_id: 'c1',
          campaign_name: 'C1',
          spend: '10.10',
          impressions: '100',
          clicks: '3',
        },
        { ad_id: '1', spend: '0.25', impressions: '5', clicks: '1' },
      ],
      catalogue,
    );
    expect(rows).toEqual([
      {
        adId: '1',
        adName: 'A1',
        adsetId: 's1',
        adsetName: 'S1',
        campaignId: 'c1',
        campaignName: 'C1',
        spend: 10.35,
        impressions: 105,
        clicks: 4,
      },
      {
        adId: '2',
        adName: 'A2',
        adsetId: 's1',
        adsetName: 'S1',
        campaignId: 'c1',
        campaignName: 'C1',
        spend: 0,
        impressions: 0,
        clicks: 0,
      },
    ]);
  });

  it('keeps ads Meta reports that the catalogue does not know yet', () => {
    const rows = mergeInsights(
      [{ ad_id: '9', ad_name: 'New', spend: '1', impressions: '1', clicks: '0' }],
      [],
    );
    expect(rows.map((r) => r.adId)).toEqual(['9']);
  });
});
