import { randomUUID } from 'node:crypto';
import { DomainError, Rpc, type AttributionRow, type AttributionSummary } from '@crm/contracts';
import { bulkInsert } from '../common/bulk-insert';
import { generateDemoData, type DemoData } from '../seed/demo-data';
import { createTestTenant, startCrmTestApp, type CrmTestApp } from './crm-test-app';

const SINCE = '2026-03-01T06:00:00.000Z';
const UNTIL = '2026-03-08T06:00:00.000Z';
const ms = (iso: string, delta = 0) => new Date(new Date(iso).getTime() + delta).toISOString();
const MID = '2026-03-04T12:00:00.000Z';

type Ad = [campaign: string | null, adset: string | null, ad: string | null];
const A1: Ad = ['C1', 'S1', 'A1'];
const A2: Ad = ['C1', 'S1', 'A2'];
const UNKNOWN: Ad = [null, null, '999999999999999'];
const NONE: Ad = [null, null, null];

describe('crm-service: attribution summary', () => {
  let crm: CrmTestApp;

  beforeAll(async () => {
    crm = await startCrmTestApp();
  });

  afterAll(async () => {
    await crm.close();
  });

  const summary = (tenantId: string, since: string, until: string) =>
    crm.rpc.call(Rpc.crm.attributionSummary, { tenantId, since, until });

  async function lead(tenantId: string, source: string, [campaign, adset, ad]: Ad, createdAt: string) {
    const [row]: { id: string }[] = await crm.db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, meta_campaign_id, meta_adset_id, meta_ad_id, created_at)
       VALUES ($1, 'Fixture', $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        tenantId,
        `+52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        source,
        campaign,
        adset,
        ad,
        createdAt,
      ],
    );
    return row.id;
  }

  async function opportunity(tenantId: string, leadId: string, createdAt: string) {
    await crm.db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, created_at)
       VALUES ($1, $2, 'Oportunidad', 10000, 'MXN', $3)`,
      [tenantId, leadId, createdAt],
    );
  }

  async function sale(
    tenantId: string,
    leadId: string,
    amount: number,
    currency: string,
    status: string,
    completedAt: string | null,
  ) {
    await crm.db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [tenantId, leadId, amount, currency, status, completedAt],
    );
  }

  describe('hand-computed fixtures', () => {
    let tenantId: string;

    beforeAll(async () => {
      ({ tenantId } = await createTestTenant(crm.db, 'Atribución'));
      const l1 = await lead(tenantId, 'META_ADS', A1, SINCE); // in: since is inclusive
      const l2 = await lead(tenantId, 'META_ADS', A1, ms(UNTIL, -1)); // in
      const l3 = await lead(tenantId, 'META_ADS', A1, UNTIL); // out: until is exclusive
      const l4 = await lead(tenantId, 'META_ADS', A1, ms(SINCE, -1)); // out
      const l5 = await lead(tenantId, 'META_ADS', A2, MID);
      const l6 = await lead(tenantId, 'META_ADS', UNKNOWN, MID);
      await lead(tenantId, 'META_ADS', NONE, MID);
      const w1 = await lead(tenantId, 'WHATSAPP', NONE, MID);
      void l2;

      await opportunity(tenantId, l1, MID);
      await opportunity(tenantId, l1, '2026-05-01T00:00:00.000Z'); // after the range: the lead decides
      await opportunity(tenantId, l3, MID); // lead out of range
      await opportunity(tenantId, l5, MID);
      await opportunity(tenantId, w1, MID); // not a Meta lead

      await sale(tenantId, l4, 1000, 'MXN', 'completed', MID); // lead before range, sale in range: counts
      await sale(tenantId, l1, 2500.5, 'MXN', 'completed', SINCE); // in
      await sale(tenantId, l1, 7000, 'MXN', 'completed', UNTIL); // out
      await sale(tenantId, l1, 8000, 'MXN', 'completed', ms(SINCE, -1)); // out
      await sale(tenantId, l5, 100, 'USD', 'completed', MID);
      await sale(tenantId, l5, 5000, 'MXN', 'pending', null); // not completed
      await sale(tenantId, l5, 6000, 'MXN', 'refunded', MID); // not completed
      await sale(tenantId, l6, 300, 'MXN', 'completed', ms(UNTIL, -1));
      await sale(tenantId, w1, 999, 'EUR', 'completed', MID); // not a Meta lead

      // Another tenant's Meta lead and sale in the same range must not show up.
      const other = await createTestTenant(crm.db, 'Otra');
      const foreign = await lead(other.tenantId, 'META_ADS', A1, MID);
      await sale(other.tenantId, foreign, 50_000, 'COP', 'completed', MID);
    });

    it('counts leads, opportunities and completed sales per campaign/ad set/ad in [since, until)', async () => {
      const result = await summary(tenantId, SINCE, UNTIL);
      const expected: AttributionRow[] = [
        {
          metaCampaignId: 'C1',
          metaAdsetId: 'S1',
          metaAdId: 'A1',
          leads: 2,
          opportunities: 2,
          sales: 2,
          revenue: 3500.5,
        },
        {
          metaCampaignId: 'C1',
          metaAdsetId: 'S1',
          metaAdId: 'A2',
          leads: 1,
          opportunities: 1,
          sales: 1,
          revenue: 100,
        },
        {
          metaCampaignId: null,
          metaAdsetId: null,
          metaAdId: '999999999999999',
          leads: 1,
          opportunities: 0,
          sales: 1,
          revenue: 300,
        },
        {
          metaCampaignId: null,
          metaAdsetId: null,
          metaAdId: null,
          leads: 1,
          opportunities: 0,
          sales: 0,
          revenue: 0,
        },
      ];
      expect(result.rows).toEqual(expect.arrayContaining(expected));
      expect(result.rows).toHaveLength(expected.length);
      expect(result.salesCurrencies).toEqual(['MXN', 'USD']);
    });

    it('moves the boundaries: the lead created exactly at `until` belongs to the next range', async () => {
      const next = await summary(tenantId, UNTIL, ms(UNTIL, 86_400_000));
      expect(next.rows).toEqual([
        {
          metaCampaignId: 'C1',
          metaAdsetId: 'S1',
          metaAdId: 'A1',
          leads: 1,
          opportunities: 1,
          sales: 1,
          revenue: 7000,
        },
      ]);
      expect(next.salesCurrencies).toEqual(['MXN']);
      const empty = await summary(tenantId, '2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z');
      expect(empty).toEqual({ rows: [], salesCurrencies: [] });
    });

    it('rejects since >= until and non-ISO instants with VALIDATION', async () => {
      for (const [since, until] of [
        [UNTIL, SINCE],
        [SINCE, SINCE],
        ['yesterday', UNTIL],
      ]) {
        const error = await summary(tenantId, since, until).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('VALIDATION');
      }
    });
  });

  describe('demo-sized data, checked against an independent computation', () => {
    const reference = new Date('2026-06-30T18:00:00.000Z');
    const ads = [
      { adId: '501', adsetId: '601', campaignId: '701' },
      { adId: '502', adsetId: '601', campaignId: '701' },
      { adId: '503', adsetId: '602', campaignId: '702' },
    ];
    let tenantId: string;
    let data: DemoData;

    beforeAll(async () => {
      ({ tenantId } = await createTestTenant(crm.db, 'Demo'));
      data = generateDemoData({ ads, referenceDate: reference });
      await insertDemoData(crm, tenantId, data);
    });

    it.each([
      ['last 30 days', 30],
      ['last 7 days', 7],
      ['last 90 days', 90],
    ])('matches for the %s', async (_label, days) => {
      const since = new Date(reference.getTime() - days * 86_400_000);
      const result = await summary(tenantId, since.toISOString(), reference.toISOString());
      const expected = expectedSummary(data, since, reference);
      expect(sortRows(result.rows)).toEqual(sortRows(expected.rows));
      expect(result.salesCurrencies).toEqual(expected.salesCurrencies);
      expect(result.rows.reduce((n, r) => n + r.leads, 0)).toBeGreaterThan(0);
    });
  });
});

async function insertDemoData(crm: CrmTestApp, tenantId: string, data: DemoData): Promise<void> {
  // The generator's ids are deterministic; give each tenant its own so several copies can coexist.
  const ids = new Map<string, string>();
  const id = (old: string) => ids.get(old) ?? ids.set(old, randomUUID()).get(old)!;
  await bulkInsert(
    crm.db,
    'crm.leads',
    [
      'id',
      'tenant_id',
      'name',
      'phone',
      'status',
      'lead_source',
      'meta_ad_id',
      'meta_adset_id',
      'meta_campaign_id',
      'created_at',
    ],
    data.leads.map((l) => [
      id(l.id),
      tenantId,
      l.name,
      l.phone,
      l.status,
      l.leadSource,
      l.metaAdId,
      l.metaAdsetId,
      l.metaCampaignId,
      l.createdAt,
    ]),
  );
  await bulkInsert(
    crm.db,
    'crm.opportunities',
    ['id', 'tenant_id', 'lead_id', 'title', 'value', 'currency', 'status', 'created_at'],
    data.opportunities.map((o) => [
      id(o.id),
      tenantId,
      id(o.leadId),
      o.title,
      o.value,
      o.currency,
      o.status,
      o.createdAt,
    ]),
  );
  await bulkInsert(
    crm.db,
    'crm.sales_transactions',
    [
      'id',
      'tenant_id',
      'lead_id',
      'opportunity_id',
      'amount',
      'currency',
      'status',
      'completed_at',
      'created_at',
    ],
    data.sales.map((s) => [
      id(s.id),
      tenantId,
      id(s.leadId),
      id(s.opportunityId),
      s.amount,
      s.currency,
      s.status,
      s.completedAt,
      s.createdAt,
    ]),
  );
}

/** The same definitions as the service, computed in plain TypeScript over the generated rows. */
function expectedSummary(data: DemoData, since: Date, until: Date): AttributionSummary {
  const inRange = (d: Date | null) => d !== null && d >= since && d < until;
  const key = (l: DemoData['leads'][number]) => JSON.stringify([l.metaCampaignId, l.metaAdsetId, l.metaAdId]);
  const rows = new Map<string, AttributionRow>();
  const row = (l: DemoData['leads'][number]) => {
    const k = key(l);
    if (!rows.has(k)) {
      rows.set(k, {
        metaCampaignId: l.metaCampaignId,
        metaAdsetId: l.metaAdsetId,
        metaAdId: l.metaAdId,
        leads: 0,
        opportunities: 0,
        sales: 0,
        revenue: 0,
      });
    }
    return rows.get(k)!;
  };
  const leads = new Map(data.leads.map((l) => [l.id, l]));
  for (const l of data.leads) if (l.leadSource === 'META_ADS' && inRange(l.createdAt)) row(l).leads += 1;
  for (const o of data.opportunities) {
    const l = leads.get(o.leadId)!;
    if (l.leadSource === 'META_ADS' && inRange(l.createdAt)) row(l).opportunities += 1;
  }
  const currencies = new Set<string>();
  for (const s of data.sales) {
    const l = leads.get(s.leadId)!;
    if (l.leadSource !== 'META_ADS' || s.status !== 'completed' || !inRange(s.completedAt)) continue;
    const r = row(l);
    r.sales += 1;
    r.revenue = Math.round((r.revenue + s.amount) * 100) / 100;
    currencies.add(s.currency);
  }
  return { rows: [...rows.values()], salesCurrencies: [...currencies].sort() };
}

function sortRows(rows: AttributionRow[]): AttributionRow[] {
  return [...rows].sort((a, b) =>
    JSON.stringify([a.metaCampaignId, a.metaAdsetId, a.metaAdId]).localeCompare(
      JSON.stringify([b.metaCampaignId, b.metaAdsetId, b.metaAdId]),
    ),
  );
}
