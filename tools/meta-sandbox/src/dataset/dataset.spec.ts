import { buildDataset } from './build-dataset';
import { dailyMetrics } from './daily-metrics';
import { listAds, SANDBOX_IDS } from './sandbox-ids';

describe('dataset', () => {
  it('is deterministic and does not use Math.random', () => {
    const random = jest.spyOn(Math, 'random');
    const a = buildDataset();
    const b = buildDataset();
    expect(a).toEqual(b);
    for (const ad of a.ads) dailyMetrics(ad, 'MXN', '2026-01-15');
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });

  it('adds extra campaigns of the main account on request, leaving everything else as it was', () => {
    const plain = buildDataset();
    const big = buildDataset({ extraCampaigns: { campaigns: 50, adsPerCampaign: 20 } });
    const main = plain.adAccounts[0].accountId;
    const extraAds = big.ads.filter((ad) => !plain.ads.some((p) => p.id === ad.id));
    expect(extraAds).toHaveLength(1000);
    expect(new Set(extraAds.map((ad) => ad.campaignId)).size).toBe(50);
    expect(extraAds.every((ad) => ad.accountId === main && ad.kind === 'lead_form')).toBe(true);
    expect(new Set(big.ads.map((ad) => ad.id)).size).toBe(big.ads.length);
    expect(big.ads.slice(0, plain.ads.length)).toEqual(plain.ads);
    expect(big.templates).toEqual(plain.templates);
    expect(big.seedLeads).toEqual(plain.seedLeads);
  });

  it('has stable ids (pinned) of realistic shape', () => {
    expect(SANDBOX_IDS.appId).toBe('1200000000000001');
    expect(SANDBOX_IDS.adAccountId).toBe('act_400522363718503');
    expect(SANDBOX_IDS.adAccountId).toMatch(/^act_[1-9]\d{14}$/);
    expect(SANDBOX_IDS.wabaId).toMatch(/^[1-9]\d{14}$/);
    expect(SANDBOX_IDS.adIds.every((id) => /^12021\d{13}$/.test(id))).toBe(true);
    const all = [
      SANDBOX_IDS.businessId,
      SANDBOX_IDS.agencyBusinessId,
      SANDBOX_IDS.adAccountNumericId,
      SANDBOX_IDS.wabaId,
      SANDBOX_IDS.pageId,
      ...SANDBOX_IDS.campaignIds,
      ...SANDBOX_IDS.adsetIds,
      ...SANDBOX_IDS.adIds,
      ...SANDBOX_IDS.phoneNumberIds,
      ...SANDBOX_IDS.formIds,
      ...Object.values(SANDBOX_IDS.templateIds),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('matches the demo scenario', () => {
    const dataset = buildDataset();
    expect(dataset.user.name).toBe('Carla Gómez');
    expect(dataset.businesses.map((b) => b.name)).toEqual(['Inmobiliaria Sol', 'Sol Agencia Digital']);
    const main = dataset.adAccounts[0];
    expect(main).toMatchObject({
      name: 'Sol · Leads México',
      currency: 'MXN',
      timezoneName: 'America/Mexico_City',
    });
    const mainCampaigns = dataset.campaigns.filter((c) => c.accountId === main.accountId);
    expect(mainCampaigns).toHaveLength(5);
    expect(mainCampaigns.filter((c) => c.status === 'PAUSED')).toHaveLength(1);
    for (const campaign of mainCampaigns) {
      const sets = dataset.adSets.filter((s) => s.campaignId === campaign.id);
      expect(sets.length).toBeGreaterThanOrEqual(1);
      expect(sets.length).toBeLessThanOrEqual(2);
      for (const set of sets) {
        const ads = dataset.ads.filter((a) => a.adsetId === set.id);
        expect(ads.length).toBeGreaterThanOrEqual(2);
        expect(ads.length).toBeLessThanOrEqual(3);
      }
    }
    const seguimiento = dataset.templates.find((t) => t.name === 'seguimiento_lead');
    expect(seguimiento?.components).toContainEqual(
      expect.objectContaining({
        type: 'BODY',
        text: 'Hola {{1}}, soy {{2}} de {{3}}. ¿Seguimos con tu consulta?',
      }),
    );
    expect(dataset.phoneNumbers).toHaveLength(2);
  });

  it('listAds joins names for the seed', () => {
    const ads = listAds();
    expect(ads.map((a) => a.adId).slice(0, SANDBOX_IDS.adIds.length)).toEqual(SANDBOX_IDS.adIds);
    expect(ads[0]).toMatchObject({
      campaignName: 'Leads · Departamentos Polanco',
      campaignId: SANDBOX_IDS.campaignIds[0],
      adsetId: SANDBOX_IDS.adsetIds[0],
    });
  });

  it('daily metrics are a pure function of (ad, date)', () => {
    const ad = buildDataset().ads[0];
    expect(dailyMetrics(ad, 'MXN', '2026-03-03')).toEqual(dailyMetrics({ ...ad }, 'MXN', '2026-03-03'));
    expect(dailyMetrics(ad, 'MXN', '2026-03-03')).not.toEqual(dailyMetrics(ad, 'MXN', '2026-03-04'));
  });
});
