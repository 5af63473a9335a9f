import { randomUUID } from 'node:crypto';
import { Rpc } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { startMetaAdsTestApp, type MetaAdsTestApp } from './meta-ads-test-app';

describe('meta-ads-service: ad context for the lead 360 (catalogue with creatives)', () => {
  let svc: MetaAdsTestApp;

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
  });

  afterAll(async () => {
    await svc?.close();
  });

  afterEach(async () => {
    await svc.releaseAll();
  });

  it('answers names and the creative from the synced catalogue, unknown ads as unknown, without calling Meta', async () => {
    const { tenantId } = await svc.connectTenant();
    const { dataset } = svc.sandbox.state;
    const adId = svc.ids.ctwaAdIds[0];
    const ad = dataset.ads.find((a) => a.id === adId)!;
    // The token no longer works: an answer proves the catalogue alone served it.
    await svc.control('/tokens/expire', { token: await svc.storedToken(tenantId) });

    const { ads } = await svc.rpc.call(Rpc.meta.adContext, {
      tenantId,
      adIds: [adId, '1234567', adId],
    });
    expect(ads).toEqual([
      {
        adId,
        known: true,
        adName: ad.name,
        adsetId: ad.adsetId,
        adsetName: dataset.adSets.find((s) => s.id === ad.adsetId)!.name,
        campaignId: ad.campaignId,
        campaignName: dataset.campaigns.find((c) => c.id === ad.campaignId)!.name,
        effectiveStatus: 'ACTIVE',
        thumbnailUrl: expect.stringContaining(ad.creativeId),
        imageUrl: expect.stringContaining(ad.creativeId),
        title: ad.headline,
        body: ad.body,
      },
      { adId: '1234567', known: false },
    ]);

    const otherTenant = await svc.rpc.call(Rpc.meta.adContext, { tenantId: randomUUID(), adIds: [adId] });
    expect(otherTenant.ads).toEqual([{ adId, known: false }]);
    expect((await svc.rpc.call(Rpc.meta.adContext, { tenantId, adIds: [] })).ads).toEqual([]);
  });

  it('refuses more than 200 ids or ids that are not Meta ids', async () => {
    const tenantId = randomUUID();
    const tooMany = await rpcError(
      svc.rpc.call(Rpc.meta.adContext, {
        tenantId,
        adIds: Array.from({ length: 201 }, (_, i) => String(1000 + i)),
      }),
    );
    expect(tooMany.code).toBe('VALIDATION');
    const notIds = await rpcError(svc.rpc.call(Rpc.meta.adContext, { tenantId, adIds: ["1' OR 1=1"] }));
    expect(notIds.code).toBe('VALIDATION');
  });
});
