import request from 'supertest';
import type { Client } from 'pg';
import { Rpc, parseJsonText, type MarketingReport, type ReportMetrics } from '@crm/contracts';
import type { ListeningSandbox, SandboxIds } from '@crm/meta-sandbox';
import { connectTenantToSandbox, type RpcTestClient } from '@crm/testing';
import {
  loginAgent,
  seedTenant,
  startMetaStack,
  type Agent,
  type MetaStack,
  type SeededTenant,
} from './gateway-test-support';

// The beforeAll, without a timeout of its own, starts three service processes and the gateway, then seeds a tenant.
jest.setTimeout(120_000);

const EXPORT = '/crm/marketing/stats/export.csv';
const REPORT = '/crm/marketing/report';

type SandboxAd = { adId: string; campaignId: string; adAccountId: string };

/** A test's own RFC 4180 reader (quoted fields, doubled quotes, CRLF), independent of the code under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && char === '"') {
      quoted = false;
    } else if (quoted) {
      field += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** What the screen shows of a metric, without grouping: money and ROAS with 2 decimals, ROI with 1. */
const money = (value: number | null) => (value === null ? '' : value.toFixed(2));
const percent = (value: number | null) =>
  value === null
    ? ''
    : new Intl.NumberFormat('en-US', {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
        useGrouping: false,
      })
        .format(value / 100)
        .replace('%', '');

function expectedCells(m: ReportMetrics): Record<string, string> {
  return {
    spend: money(m.spend),
    impressions: String(m.impressions),
    clicks: String(m.clicks),
    leads: String(m.leads),
    opportunities: String(m.opportunities),
    won: String(m.won),
    sales: String(m.sales),
    revenue: money(m.revenue),
    cost_per_lead: money(m.costPerLead),
    cost_per_opportunity: money(m.costPerOpportunity),
    cost_per_sale: money(m.costPerSale),
    roas: money(m.roas),
    roi_percent: percent(m.roiPercent),
    unconverted_sales: String(m.unconvertedSales),
  };
}

describe('gateway: Marketing Hub CSV export (real crm-, meta-ads- and marketing-service, Meta sandbox)', () => {
  let stack: MetaStack;
  let sandbox: ListeningSandbox;
  let db: Client;
  let rpc: RpcTestClient;
  let tenant: SeededTenant;
  let ids: SandboxIds;
  let ads: SandboxAd[];
  const agents = {} as Record<'ceo' | 'professional' | 'setter', Agent>;

  let phoneCounter = 0;
  async function seedMetaLead(
    adId: string | null,
    options: { opportunity?: boolean; sale?: number } = {},
  ): Promise<void> {
    phoneCounter += 1;
    const phone = `+52155${String(Date.now() % 1e4).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
    const { rows } = await db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, meta_ad_id, created_at)
       VALUES ($1, 'Lead', $2, 'META_ADS', $3, now() - interval '1 day') RETURNING id`,
      [tenant.tenantId, phone, adId],
    );
    const leadId = (rows[0] as { id: string }).id;
    if (options.opportunity) {
      await db.query(
        `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, created_at)
         VALUES ($1, $2, 'Depto', 1000, 'MXN', now() - interval '1 day')`,
        [tenant.tenantId, leadId],
      );
    }
    if (options.sale !== undefined) {
      await db.query(
        `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at)
         VALUES ($1, $2, $3, 'MXN', 'completed', now() - interval '1 day')`,
        [tenant.tenantId, leadId, options.sale],
      );
    }
  }

  beforeAll(async () => {
    stack = await startMetaStack('gateway-marketing-export', {
      marketing: true,
      metaAdsEnv: { META_BREAKER_RESET_MS: '500' },
    });
    ({ listening: sandbox, db, rpc, ids } = stack);
    tenant = await seedTenant(db, 'Inmobiliaria Exporta');
    await connectTenantToSandbox(rpc, sandbox.url, tenant.tenantId, ids);
    const dataset = (await (await fetch(`${sandbox.url}/_sandbox/dataset`)).json()) as { ads: SandboxAd[] };
    ads = dataset.ads.filter((ad) => ad.adAccountId === ids.adAccountId);
    const [first, second] = ads;
    // Written with SQL (no events): marketing-service replays the tenant from crm-service before its first report.
    await seedMetaLead(first!.adId, { opportunity: true, sale: 15000.5 });
    await seedMetaLead(first!.adId, { opportunity: true });
    await seedMetaLead(second!.adId, { sale: 999.99 });
    await seedMetaLead('999999999999999'); // an ad Meta does not return: unattributed

    for (const role of ['ceo', 'professional', 'setter'] as const) {
      agents[role] = await loginAgent(stack.gateway, tenant.users[role]);
    }
  });

  afterAll(async () => {
    await rpc?.call(Rpc.meta.disconnect, { tenantId: tenant.tenantId }).catch(() => undefined);
    await stack?.stop();
  });

  it.each(['period', 'cohort'] as const)(
    'the %s view: BOM, header, one row per campaign then its ads, then unattributed — the report’s numbers',
    async (view) => {
      const query = { preset: 'last_30d', view };
      const json = (await agents.ceo.get(REPORT).query(query).expect(200)).body as MarketingReport;
      const response = await agents.ceo
        .get(EXPORT)
        .query(query)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);

      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const { since, until } = json.range;
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="marketing-${since}_${until}-${view}.csv"`,
      );
      const bytes = response.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(bytes.subarray(3).toString('utf8'));
      const [header, ...data] = rows;
      expect(header).toEqual([
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
      ]);
      const records = data.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]])));

      const expected: Record<string, string>[] = [];
      const common = { view, since, until, currency: json.currency };
      for (const campaign of json.campaigns) {
        const names = { campaign_id: campaign.campaignId, campaign_name: campaign.campaignName };
        expected.push({
          level: 'campaign',
          ...names,
          ad_id: '',
          ad_name: '',
          ...common,
          ...expectedCells(campaign),
        });
        for (const ad of campaign.ads) {
          expected.push({
            level: 'ad',
            ...names,
            ad_id: ad.adId,
            ad_name: ad.adName,
            ...common,
            ...expectedCells(ad),
          });
        }
      }
      expected.push({
        level: 'unattributed',
        campaign_id: '',
        campaign_name: '',
        ad_id: '',
        ad_name: '',
        ...common,
        ...expectedCells(json.unattributed),
      });
      expect(records).toEqual(expected);

      // The seeded facts are there, with every ad of the account and its campaign.
      expect(json.campaigns.length).toBeGreaterThan(1);
      expect(
        records
          .filter((r) => r.level === 'ad')
          .map((r) => r.ad_id)
          .sort(),
      ).toEqual(ads.map((ad) => ad.adId).sort());
      const firstAd = records.find((r) => r.ad_id === ads[0]!.adId)!;
      expect(firstAd).toMatchObject({ leads: '2', sales: '1', revenue: '15000.50' });
      expect(records.at(-1)).toMatchObject({ level: 'unattributed', leads: '1', spend: '0.00' });
      expect(Number(records[0]!.spend)).toBeGreaterThan(0);
    },
  );

  it('the report and ROI routes send marketing-service’s text as it is: JSON equal to the RPC reply', async () => {
    const query = { preset: 'last_30d', view: 'cohort' } as const;
    const response = await agents.ceo.get(REPORT).query(query).expect(200);
    const text = await rpc.call(Rpc.marketing.report, { tenantId: tenant.tenantId, ...query }, 30_000);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toEqual(parseJsonText(text));
    expect(response.text).toBe(text);
    expect((response.body as MarketingReport).campaigns.length).toBeGreaterThan(1);

    const roi = await agents.ceo.get('/crm/marketing/stats/roi').query(query).expect(200);
    const roiText = await rpc.call(Rpc.marketing.roi, { tenantId: tenant.tenantId, ...query }, 30_000);
    expect(roi.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(roi.body).toEqual(parseJsonText(roiText));
    expect(roi.body.campaigns).toEqual(response.body.campaigns);
  });

  it('the professional may export (same roles as the report), the setter gets 403', async () => {
    await agents.professional.get(EXPORT).query({ preset: 'last_7d' }).expect(200);
    const denied = await agents.setter.get(EXPORT).query({ preset: 'last_7d' }).expect(403);
    expect(denied.body).toEqual({
      statusCode: 403,
      code: 'FORBIDDEN',
      message: 'your role cannot use this module',
    });
    await request(stack.gateway.server).get(EXPORT).query({ preset: 'last_7d' }).expect(401);
  });

  it('a bad query is a 400 JSON with a message, not a file', async () => {
    const badPreset = await agents.ceo.get(EXPORT).query({ preset: 'forever' }).expect(400);
    expect(badPreset.headers['content-type']).toMatch(/^application\/json/);
    expect(badPreset.body.message).toContain('preset');
    const badView = await agents.ceo.get(EXPORT).query({ preset: 'last_7d', view: 'weekly' }).expect(400);
    expect(badView.body.message).toContain('view must be cohort or period');
    const noUntil = await agents.ceo.get(EXPORT).query({ preset: 'custom', since: '2026-01-10' }).expect(400);
    expect(noUntil.body.code).toBe('VALIDATION');
  });

  it('Meta down with no snapshot of the range: the report route’s JSON error, never a partial CSV', async () => {
    // A one-day custom range nobody asked for yet: no cached insights and no last good snapshot.
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const query = { preset: 'custom', since: day, until: day };
    await db.query(`DELETE FROM meta_ads.insights_cache WHERE tenant_id = $1`, [tenant.tenantId]);
    await fetch(`${sandbox.url}/_sandbox/outage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    try {
      const csv = await agents.ceo.get(EXPORT).query(query);
      const json = await agents.ceo.get(REPORT).query(query);
      expect(csv.status).toBeGreaterThanOrEqual(400);
      expect(csv.headers['content-type']).toMatch(/^application\/json/);
      expect(csv.headers['content-disposition']).toBeUndefined();
      expect([csv.status, csv.body.code]).toEqual([json.status, json.body.code]);
      expect(csv.body.code).toBe('META_UNAVAILABLE');
      // The report route's error is the filter's JSON, not a pass-through text.
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.body).toMatchObject({ statusCode: json.status, code: 'META_UNAVAILABLE' });
    } finally {
      await fetch(`${sandbox.url}/_sandbox/outage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
    }
  });
});
