import { Rpc } from '@crm/contracts';
import { startMetaAdsTestApp, type MetaAdsTestApp } from './meta-ads-test-app';

describe('meta-ads-service: disconnect and reconnect (real DB, NATS, Meta sandbox)', () => {
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

  const disconnect = (tenantId: string) => svc.rpc.call(Rpc.meta.disconnect, { tenantId });

  describe('revoking the app on Meta', () => {
    it('with another account connected by the same Meta user, disconnect forgets only our token; the last one revokes', async () => {
      const first = await svc.connectTenant();
      const second = await svc.connectTenant({ select: false });
      const firstToken = await svc.storedToken(first.tenantId);
      const secondToken = await svc.storedToken(second.tenantId);
      const { rows } = await svc.db.query<{ meta_user_id: string }>(
        `SELECT DISTINCT meta_user_id FROM meta_ads.connections WHERE tenant_id = ANY($1::uuid[])`,
        [[first.tenantId, second.tenantId]],
      );
      expect(rows).toEqual([{ meta_user_id: svc.ids.userId }]);

      await expect(disconnect(first.tenantId)).resolves.toMatchObject({ state: 'disconnected' });
      // Meta was not asked to de-authorise the app: the other account's token (and even ours) still works there.
      expect(svc.sandbox.state.tokens.get(firstToken)?.revoked).toBeFalsy();
      expect(svc.sandbox.state.tokens.get(secondToken)?.revoked).toBeFalsy();
      const portfolios = await svc.rpc.call(Rpc.meta.listPortfolios, { tenantId: second.tenantId });
      expect(portfolios.map((p) => p.id)).toContain(svc.ids.businessId);
      // Our copy of the token is gone all the same.
      const forgotten = await svc.db.query(
        `SELECT access_token_encrypted, meta_user_id FROM meta_ads.connections WHERE tenant_id = $1`,
        [first.tenantId],
      );
      expect(forgotten.rows[0]).toEqual({ access_token_encrypted: null, meta_user_id: null });

      // The last account of that Meta user to disconnect revokes the app on Meta.
      await disconnect(second.tenantId);
      expect(svc.sandbox.state.tokens.get(secondToken)?.revoked).toBe(true);
    }, 30_000);

    it('an expired connection of the same user counts too: its reconnect must not find the app revoked', async () => {
      const expired = await svc.connectTenant({ select: false });
      await svc.control('/tokens/expire', { token: await svc.storedToken(expired.tenantId) });
      await expect(
        svc.rpc.call(Rpc.meta.listPortfolios, { tenantId: expired.tenantId }),
      ).rejects.toBeDefined();
      const leaving = await svc.connectTenant({ select: false });
      const leavingToken = await svc.storedToken(leaving.tenantId);
      await disconnect(leaving.tenantId);
      expect(svc.sandbox.state.tokens.get(leavingToken)?.revoked).toBeFalsy();
    }, 30_000);
  });
});
