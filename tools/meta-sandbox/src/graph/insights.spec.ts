import request from 'supertest';
import { addDays } from '../dataset/calendar';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox } from '../test-support/sandbox-fixture';

type Row = Record<string, unknown> & {
  spend: string;
  impressions: string;
  clicks: string;
  date_start: string;
  date_stop: string;
  actions?: { action_type: string; value: string }[];
};
type Listing = {
  data: Row[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
};

// 2026-09-12 03:00 UTC is still 2026-09-11 in Mexico City (UTC-6) and in Bogotá (UTC-5).
const NOW = new Date('2026-09-12T03:00:00Z');
const TODAY_MX = '2026-09-11';

const actionValue = (row: Row, type: string): number =>
  Number(row.actions?.find((a) => a.action_type === type)?.value ?? 0);
const cents = (spend: string): number => Math.round(Number(spend) * 100);

describe('Insights', () => {
  let sandbox: Sandbox;
  let token: string;
  const insights = (path: string, query: Record<string, string>) =>
    request(sandbox.app)
      .get(`/v23.0/${path}/insights`)
      .query({ access_token: token, limit: '500', ...query });

  beforeEach(async () => {
    sandbox = newSandbox({ now: () => NOW });
    token = await mintToken(sandbox);
  });

  it('computes presets in the ad account timezone', async () => {
    const today = await insights(SANDBOX_IDS.adAccountId, { date_preset: 'today' }).expect(200);
    expect((today.body as Listing).data[0]).toMatchObject({ date_start: TODAY_MX, date_stop: TODAY_MX });
    const last7 = await insights(SANDBOX_IDS.adAccountId, { date_preset: 'last_7d' }).expect(200);
    expect((last7.body as Listing).data[0]).toMatchObject({
      date_start: addDays(TODAY_MX, -7),
      date_stop: addDays(TODAY_MX, -1),
    });
    const lastMonth = await insights(SANDBOX_IDS.adAccountId, { date_preset: 'last_month' }).expect(200);
    expect((lastMonth.body as Listing).data[0]).toMatchObject({
      date_start: '2026-08-01',
      date_stop: '2026-08-31',
    });
    const thisYear = await insights(SANDBOX_IDS.adAccountId, { date_preset: 'this_year' }).expect(200);
    expect((thisYear.body as Listing).data[0]).toMatchObject({
      date_start: '2026-01-01',
      date_stop: TODAY_MX,
    });
    const bad = await insights(SANDBOX_IDS.adAccountId, { date_preset: 'last_2d' }).expect(400);
    expect(bad.body.error.code).toBe(100);
  });

  it('returns metrics as Meta-formatted strings, honouring fields', async () => {
    const res = await insights(SANDBOX_IDS.adAccountId, {
      level: 'campaign',
      date_preset: 'last_30d',
      fields: 'campaign_id,campaign_name,spend,impressions,clicks,reach,ctr,cpc,cpm,actions,account_currency',
    }).expect(200);
    const rows = (res.body as Listing).data;
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        [
          'account_currency',
          'actions',
          'campaign_id',
          'campaign_name',
          'clicks',
          'cpc',
          'cpm',
          'ctr',
          'date_start',
          'date_stop',
          'impressions',
          'reach',
          'spend',
        ].sort(),
      );
      expect(row.spend).toMatch(/^\d+\.\d{2}$/);
      expect(row.impressions).toMatch(/^\d+$/);
      expect(row.account_currency).toBe('MXN');
      expect(SANDBOX_IDS.campaignIds).toContain(row.campaign_id);
      expect(Number(row.ctr)).toBeCloseTo((Number(row.clicks) / Number(row.impressions)) * 100, 4);
    }
    const leadCampaign = rows.find((r) => r.campaign_name === 'Leads · Departamentos Polanco');
    const ctwaCampaign = rows.find((r) => r.campaign_name === 'WhatsApp · Preventa Tulum');
    expect(actionValue(leadCampaign as Row, 'lead')).toBeGreaterThan(0);
    expect(
      actionValue(ctwaCampaign as Row, 'onsite_conversion.messaging_conversation_started_7d'),
    ).toBeGreaterThan(0);
    // paused 45 days ago: no delivery in the last 30 days, so the row is omitted
    expect(rows.find((r) => r.campaign_name === 'Leads · Remate Guadalajara')).toBeUndefined();
  });

  it('daily rows sum exactly to the all_days total (spend, impressions, clicks, leads)', async () => {
    const range = JSON.stringify({ since: '2026-07-01', until: '2026-08-15' });
    const fields = 'spend,impressions,clicks,actions';
    const total = (await insights(SANDBOX_IDS.adAccountId, { time_range: range, fields }).expect(200))
      .body as Listing;
    const daily = (
      await insights(SANDBOX_IDS.adAccountId, { time_range: range, fields, time_increment: '1' }).expect(200)
    ).body as Listing;
    expect(total.data).toHaveLength(1);
    expect(total.data[0]).toMatchObject({ date_start: '2026-07-01', date_stop: '2026-08-15' });
    expect(daily.data).toHaveLength(46);
    expect(daily.data.every((r) => r.date_start === r.date_stop)).toBe(true);
    const sum = (pick: (r: Row) => number) => daily.data.reduce((acc, r) => acc + pick(r), 0);
    expect(sum((r) => cents(r.spend))).toBe(cents(total.data[0].spend));
    expect(sum((r) => Number(r.impressions))).toBe(Number(total.data[0].impressions));
    expect(sum((r) => Number(r.clicks))).toBe(Number(total.data[0].clicks));
    expect(sum((r) => actionValue(r, 'lead'))).toBe(actionValue(total.data[0], 'lead'));

    const weekly = (
      await insights(SANDBOX_IDS.adAccountId, { time_range: range, fields, time_increment: '7' }).expect(200)
    ).body as Listing;
    expect(weekly.data.map((r) => [r.date_start, r.date_stop]).slice(-1)).toEqual([
      ['2026-08-12', '2026-08-15'],
    ]);
    expect(weekly.data.reduce((acc, r) => acc + cents(r.spend), 0)).toBe(cents(total.data[0].spend));
    const monthly = (
      await insights(SANDBOX_IDS.adAccountId, {
        time_range: range,
        fields,
        time_increment: 'monthly',
      }).expect(200)
    ).body as Listing;
    expect(monthly.data.map((r) => [r.date_start, r.date_stop])).toEqual([
      ['2026-07-01', '2026-07-31'],
      ['2026-08-01', '2026-08-15'],
    ]);
  });

  it('levels partition the account: ad rows sum to campaign rows sum to the account row', async () => {
    const q = { date_preset: 'last_14d', fields: 'campaign_id,adset_id,ad_id,ad_name,spend,impressions' };
    const account = ((await insights(SANDBOX_IDS.adAccountId, { ...q, level: 'account' })).body as Listing)
      .data;
    const campaigns = ((await insights(SANDBOX_IDS.adAccountId, { ...q, level: 'campaign' })).body as Listing)
      .data;
    const adsets = ((await insights(SANDBOX_IDS.adAccountId, { ...q, level: 'adset' })).body as Listing).data;
    const ads = ((await insights(SANDBOX_IDS.adAccountId, { ...q, level: 'ad' })).body as Listing).data;
    const total = (rows: Row[]) => rows.reduce((acc, r) => acc + cents(r.spend), 0);
    expect(account).toHaveLength(1);
    expect(account[0].campaign_id).toBeUndefined();
    expect(total(campaigns)).toBe(total(account));
    expect(total(adsets)).toBe(total(account));
    expect(total(ads)).toBe(total(account));
    expect(
      ads.every((r) => typeof r.ad_name === 'string' && SANDBOX_IDS.adIds.includes(r.ad_id as string)),
    ).toBe(true);

    const campaignId = SANDBOX_IDS.campaignIds[0];
    const oneCampaign = ((await insights(campaignId, { ...q, level: 'ad' })).body as Listing).data;
    expect(oneCampaign.every((r) => r.campaign_id === campaignId)).toBe(true);
    expect(total(oneCampaign)).toBe(total(campaigns.filter((r) => r.campaign_id === campaignId)));
  });

  it('is deterministic across sandboxes', async () => {
    const q = { date_preset: 'last_90d', level: 'ad', fields: 'ad_id,spend,impressions,reach,actions' };
    const first = (await insights(SANDBOX_IDS.adAccountId, q)).body as Listing;
    const other = newSandbox({ now: () => NOW });
    const otherToken = await mintToken(other);
    const second = await request(other.app)
      .get(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`)
      .query({ ...q, limit: '500', access_token: otherToken });
    expect((second.body as Listing).data).toEqual(first.data);
  });

  it('uses the USD account currency and its own timezone', async () => {
    const res = await insights(SANDBOX_IDS.usdAdAccountId, {
      date_preset: 'yesterday',
      fields: 'account_currency,spend',
    }).expect(200);
    expect((res.body as Listing).data[0]).toMatchObject({
      account_currency: 'USD',
      date_start: addDays(TODAY_MX, -1),
    });
  });

  it('rejects unknown fields and bad time ranges with code 100', async () => {
    const field = await insights(SANDBOX_IDS.adAccountId, { fields: 'spend,not_a_metric' }).expect(400);
    expect(field.body.error.code).toBe(100);
    const range = await insights(SANDBOX_IDS.adAccountId, {
      time_range: '{"since":"2026-09-10","until":"2026-09-01"}',
    }).expect(400);
    expect(range.body.error.code).toBe(100);
    const increment = await insights(SANDBOX_IDS.adAccountId, { time_increment: '91' }).expect(400);
    expect(increment.body.error.code).toBe(100);
  });

  it('pages insights rows with next only while more exist, and emits the insights throttle header', async () => {
    const q = { date_preset: 'last_7d', level: 'ad', time_increment: '1', fields: 'ad_id,spend' };
    const all = ((await insights(SANDBOX_IDS.adAccountId, q)).body as Listing).data;
    const seen: Row[] = [];
    let res = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`)
      .query({ ...q, access_token: token, limit: '20' });
    expect(res.headers['x-fb-ads-insights-throttle']).toBeDefined();
    for (;;) {
      const body = res.body as Listing;
      seen.push(...body.data);
      if (!body.paging?.next) break;
      const next = new URL(body.paging.next);
      res = await request(sandbox.app).get(`${next.pathname}${next.search}`).expect(200);
    }
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThan(20);
  });
});
