import { E164_PATTERN, LEAD_STATUSES } from '@crm/contracts';
import { DEMO_USERS, UNKNOWN_AD_ID, generateDemoData, parseSeedInput } from '../demo-data';
import { Prng } from '../prng';

const ADS = [
  { adId: '1201', adsetId: '2201', campaignId: '3201' },
  { adId: '1202', adsetId: '2201', campaignId: '3201' },
  { adId: '1203', adsetId: '2202', campaignId: '3202' },
];
const REFERENCE = new Date('2026-06-30T18:00:00.000Z');
const DAY = 86_400_000;

describe('Prng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws version-4 shaped uuids', () => {
    expect(new Prng(1).uuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('generateDemoData', () => {
  const data = generateDemoData({ ads: ADS, referenceDate: REFERENCE });

  it('is deterministic, and the reference date only shifts timestamps', () => {
    expect(generateDemoData({ ads: ADS, referenceDate: REFERENCE })).toEqual(data);
    const later = generateDemoData({ ads: ADS, referenceDate: new Date(REFERENCE.getTime() + 5 * DAY) });
    expect(later.leads.map((l) => l.id)).toEqual(data.leads.map((l) => l.id));
    expect(later.leads[0].createdAt.getTime() - data.leads[0].createdAt.getTime()).toBe(5 * DAY);
  });

  it('makes about 2,000 leads with unique E.164 Mexican mobiles within the 90 days before the reference', () => {
    expect(data.leads).toHaveLength(2000);
    const phones = new Set(data.leads.map((l) => l.phone));
    expect(phones.size).toBe(2000);
    for (const lead of data.leads) {
      expect(lead.phone).toMatch(E164_PATTERN);
      expect(lead.phone.startsWith('+521')).toBe(true);
      expect(lead.createdAt.getTime()).toBeLessThan(REFERENCE.getTime());
      expect(lead.createdAt.getTime()).toBeGreaterThanOrEqual(REFERENCE.getTime() - 90 * DAY);
      expect(LEAD_STATUSES).toContain(lead.status);
    }
    expect(new Set(data.leads.map((l) => l.id)).size).toBe(2000);
  });

  it('attributes ~45% to Meta ads using the given ads, a few to an unknown ad, some with a ctwa_clid', () => {
    const meta = data.leads.filter((l) => l.leadSource === 'META_ADS');
    expect(meta.length / data.leads.length).toBeGreaterThan(0.4);
    expect(meta.length / data.leads.length).toBeLessThan(0.5);
    const unknown = meta.filter((l) => l.metaAdId === UNKNOWN_AD_ID);
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.length).toBeLessThan(60);
    for (const lead of meta.filter((l) => l.metaAdId !== UNKNOWN_AD_ID)) {
      const ad = ADS.find((a) => a.adId === lead.metaAdId);
      expect(ad).toBeDefined();
      expect([lead.metaAdsetId, lead.metaCampaignId]).toEqual([ad!.adsetId, ad!.campaignId]);
    }
    expect(meta.filter((l) => l.ctwaClid).length).toBeGreaterThan(meta.length / 2);
    expect(new Set(ADS.map((a) => a.adId)).size).toBe(new Set(meta.map((l) => l.metaAdId)).size - 1);
    const others = data.leads.filter((l) => l.leadSource !== 'META_ADS');
    expect(others.every((l) => !l.metaAdId && !l.ctwaClid && !l.metaLeadgenId)).toBe(true);
    expect(new Set(others.map((l) => l.leadSource))).toEqual(
      new Set(['WHATSAPP', 'WEBSITE', 'REFERRAL', 'MANUAL']),
    );
  });

  it('gives ~35% of leads an opportunity of 5,000–250,000 MXN created after the lead', () => {
    const share = data.opportunities.length / data.leads.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.4);
    const leads = new Map(data.leads.map((l) => [l.id, l]));
    for (const opportunity of data.opportunities) {
      const lead = leads.get(opportunity.leadId)!;
      expect(opportunity.value).toBeGreaterThanOrEqual(5000);
      expect(opportunity.value).toBeLessThanOrEqual(250_000);
      expect(opportunity.currency).toBe('MXN');
      expect(opportunity.createdAt.getTime()).toBeGreaterThanOrEqual(lead.createdAt.getTime());
      expect(opportunity.createdAt.getTime()).toBeLessThan(REFERENCE.getTime());
      if (lead.status === 'cerrado_ganado') expect(opportunity.status).toBe('won');
    }
  });

  it('records a completed sale after each won opportunity, never after the reference, a handful in USD', () => {
    const won = data.opportunities.filter((o) => o.status === 'won');
    expect(data.sales).toHaveLength(won.length);
    const opportunities = new Map(data.opportunities.map((o) => [o.id, o]));
    for (const sale of data.sales) {
      const opportunity = opportunities.get(sale.opportunityId)!;
      expect(opportunity.status).toBe('won');
      expect(sale.completedAt.getTime()).toBeGreaterThanOrEqual(opportunity.closedAt!.getTime());
      expect(sale.completedAt.getTime()).toBeLessThan(REFERENCE.getTime());
    }
    const usd = data.sales.filter((s) => s.currency === 'USD');
    expect(usd.length).toBeGreaterThanOrEqual(1);
    expect(usd.length).toBeLessThanOrEqual(5);
    expect(data.sales.filter((s) => s.currency === 'MXN').length).toBe(data.sales.length - usd.length);
  });

  it('assigns leads only to demo users', () => {
    const ids = new Set(DEMO_USERS.map((u) => u.id));
    expect(data.leads.every((l) => l.assignedUserId === null || ids.has(l.assignedUserId))).toBe(true);
  });
});

describe('parseSeedInput', () => {
  it('accepts ads and an optional reference date', () => {
    expect(parseSeedInput({ ads: ADS })).toEqual({ ads: ADS, referenceDate: undefined });
    expect(parseSeedInput({ ads: ADS, referenceDate: '2026-06-30T18:00:00Z' }).referenceDate).toEqual(
      REFERENCE,
    );
  });

  it('rejects malformed input with a reason', () => {
    expect(() => parseSeedInput(null)).toThrow(/expected/);
    expect(() => parseSeedInput({ ads: [] })).toThrow(/at least one ad/);
    expect(() => parseSeedInput({ ads: [{ adId: '1', adsetId: 'x', campaignId: '3' }] })).toThrow(/adsetId/);
    expect(() => parseSeedInput({ ads: ADS, referenceDate: 'yesterday' })).toThrow(/referenceDate/);
  });
});
