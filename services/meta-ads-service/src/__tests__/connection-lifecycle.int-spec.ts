import { randomUUID } from 'node:crypto';
import {
  Events,
  META_REQUIRED_SCOPES,
  Rpc,
  type LeadgenReceivedEvent,
  type WhatsappInboundEvent,
} from '@crm/contracts';
import { TokenCheckScheduler } from '../connection/token-check.scheduler';
import { HeldWebhookReplay } from '../webhooks/held-webhook-replay';
import { startMetaAdsTestApp, waitFor, type MetaAdsTestApp } from './meta-ads-test-app';

type SandboxWebhook = { kind: string; meta: Record<string, string>; payload: Record<string, unknown> };

const randomWaId = (): string => `52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe('meta-ads-service: disconnect and reconnect (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;
  let inbound: WhatsappInboundEvent[];
  let leads: LeadgenReceivedEvent[];

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
    inbound = await svc.collect(Events.whatsappInbound);
    leads = await svc.collect(Events.leadgenReceived);
  });

  afterAll(async () => {
    await svc?.close();
  });

  afterEach(async () => {
    await svc.releaseAll();
  });

  const disconnect = (tenantId: string) => svc.rpc.call(Rpc.meta.disconnect, { tenantId });
  const reconnect = async (tenantId: string) =>
    svc.rpc.call(Rpc.meta.completeOauth, {
      tenantId,
      userId: randomUUID(),
      accessToken: await svc.mintToken(),
    });
  const select = (tenantId: string) =>
    svc.rpc.call(
      Rpc.meta.selectAssets,
      {
        tenantId,
        businessId: svc.ids.businessId,
        adAccountId: svc.ids.adAccountId,
        wabaId: svc.ids.wabaId,
        phoneNumberId: svc.ids.phoneNumberIds[0],
      },
      20_000,
    );
  const webhookOf = async (kind: string, match: (meta: Record<string, string>) => boolean) =>
    (await svc.control<{ data: SandboxWebhook[] }>(`/webhooks?kind=${kind}`)).data.find((w) =>
      match(w.meta),
    )!;
  /** A contact writes to the sandbox number; the exact body Meta posts is delivered as the gateway would. */
  const message = async (from: string, text: string): Promise<string> => {
    const { wamid } = await svc.control<{ wamid: string }>('/reply', { from, text });
    await svc.publishWebhook((await webhookOf('message', (m) => m.wamid === wamid)).payload);
    return wamid;
  };
  const heldRows = async (tenantId: string) =>
    (
      await svc.db.query<{ asset_kind: string; asset_id: string }>(
        `SELECT asset_kind, asset_id FROM meta_ads.held_webhooks WHERE tenant_id = $1 ORDER BY received_at, id`,
        [tenantId],
      )
    ).rows;
  const heldCount = (tenantId: string, count: number) =>
    waitFor(async () => (await heldRows(tenantId)).length === count, { what: `${count} kept webhook(s)` });
  const inboundOf = (tenantId: string) => inbound.filter((e) => e.tenantId === tenantId);

  describe('expiry and scopes ahead of time', () => {
    const status = (tenantId: string) => svc.rpc.call(Rpc.meta.connectionStatus, { tenantId });
    /** One periodic check, as if its period had come (other suites of the run may have claimed it). */
    const checkNow = async () => {
      await svc.db.query(`UPDATE meta_ads.token_check_schedule SET next_run_at = now() WHERE id = 1`);
      return svc.app.get(TokenCheckScheduler).tick();
    };

    it('connect reads expiry, data-access expiry and scopes from debug_token; the periodic check follows Meta', async () => {
      const { tenantId, status: connected } = await svc.connectTenant({ select: false });
      expect(connected.daysLeft).toBeGreaterThanOrEqual(59);
      expect(connected.daysLeft).toBeLessThanOrEqual(60);
      expect(new Date(connected.dataAccessExpiresAt!).getTime()).toBeGreaterThan(
        Date.now() + 89 * 86_400_000,
      );
      expect(connected.missingScopes).toEqual([]);

      // The user removes two permissions in Facebook's settings; the token now ends in 5 days, its data access in 3.
      await svc.control('/tokens/update', {
        token: await svc.storedToken(tenantId),
        expiresInSeconds: 5 * 86_400 + 60,
        dataAccessExpiresInSeconds: 3 * 86_400 + 60,
        scopes: META_REQUIRED_SCOPES.filter(
          (scope) => scope !== 'leads_retrieval' && scope !== 'whatsapp_business_messaging',
        ),
      });
      const outcomes = await checkNow();
      expect(outcomes?.get(tenantId)).toBe('updated');
      expect(await status(tenantId)).toMatchObject({
        state: 'connected',
        daysLeft: 3,
        missingScopes: ['leads_retrieval', 'whatsapp_business_messaging'],
      });
      // Once per period across replicas: a second tick right away does nothing.
      await expect(svc.app.get(TokenCheckScheduler).tick()).resolves.toBeNull();

      // A reconnect renews both dates and the scopes.
      const renewed = await reconnect(tenantId);
      expect(renewed).toMatchObject({ state: 'connected', missingScopes: [] });
      expect(renewed.daysLeft).toBeGreaterThanOrEqual(59);
    }, 30_000);

    it('a token Meta no longer accepts is marked expired by the periodic check, before any report finds out', async () => {
      const { tenantId } = await svc.connectTenant({ select: false });
      await svc.control('/tokens/expire', { token: await svc.storedToken(tenantId) });
      const outcomes = await checkNow();
      expect(outcomes?.get(tenantId)).toBe('expired');
      expect(await status(tenantId)).toMatchObject({
        state: 'expired',
        lastError: {
          code: 'META_TOKEN_EXPIRED',
          message: 'Meta no longer accepts the token (190/463); reconnect Meta',
        },
      });
    }, 30_000);
  });

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

  describe('webhooks while disconnected', () => {
    it('WhatsApp messages that arrive while disconnected are kept and published in order after the reconnect', async () => {
      const { tenantId } = await svc.connectTenant();
      await disconnect(tenantId);
      const from = randomWaId();
      const first = await message(from, 'uno');
      const second = await message(from, 'dos');
      await heldCount(tenantId, 2);
      expect(await heldRows(tenantId)).toEqual([
        { asset_kind: 'phone_number', asset_id: svc.ids.phoneNumberIds[0] },
        { asset_kind: 'phone_number', asset_id: svc.ids.phoneNumberIds[0] },
      ]);
      await settle(300);
      expect(inboundOf(tenantId)).toEqual([]);

      // Meta redelivering a body while it is kept does not keep it twice.
      await svc.publishWebhook((await webhookOf('message', (m) => m.wamid === first)).payload);
      await settle(300);
      expect(await heldRows(tenantId)).toHaveLength(2);

      // Reconnected but the number not chosen yet: still kept.
      await reconnect(tenantId);
      await svc.app.get(HeldWebhookReplay).replayDue();
      expect(await heldRows(tenantId)).toHaveLength(2);
      expect(inboundOf(tenantId)).toEqual([]);

      await select(tenantId);
      await waitFor(() => inboundOf(tenantId).length === 2, {
        what: 'two inbound events after the reconnect',
      });
      expect(inboundOf(tenantId).map((e) => [e.wamid, e.text, e.from])).toEqual([
        [first, 'uno', `+${from}`],
        [second, 'dos', `+${from}`],
      ]);
      expect(await heldRows(tenantId)).toEqual([]);

      // Published once: the same bodies again (past the duplicate window) change nothing.
      await svc.publishWebhook((await webhookOf('message', (m) => m.wamid === second)).payload);
      await settle();
      expect(inboundOf(tenantId)).toHaveLength(2);
    }, 40_000);

    it('a Lead Ads lead that arrives while disconnected is read and published once the tenant reconnects', async () => {
      // The tenant chose the sandbox's Page (Lead Ads route by the chosen Page, which a disconnect does not release).
      const { tenantId } = await svc.connectTenant();
      await disconnect(tenantId);
      const lead = await svc.control<{ leadgenId: string; pageId: string }>('/leadgen', {
        adId: svc.ids.leadAdIds[0],
        fullName: 'Desconectada',
        email: 'desconectada@example.com',
        phone: '+52 55 1234 0003',
      });
      await svc.publishWebhook((await webhookOf('leadgen', (m) => m.leadgenId === lead.leadgenId)).payload);
      await heldCount(tenantId, 1);
      expect(await heldRows(tenantId)).toEqual([{ asset_kind: 'page', asset_id: lead.pageId }]);
      expect(leads.find((e) => e.leadgenId === lead.leadgenId)).toBeUndefined();

      // Connected again with its Page: the lead is read with the new token.
      await reconnect(tenantId);
      const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
        what: 'leadgen event after the reconnect',
      });
      expect(event).toMatchObject({
        tenantId,
        pageId: lead.pageId,
        fullName: 'Desconectada',
        phone: '+525512340003',
      });
      expect(await heldRows(tenantId)).toEqual([]);
    }, 30_000);

    it('once another account holds the number, its webhooks go there; what was kept stays with the old tenant', async () => {
      const old = await svc.connectTenant();
      await disconnect(old.tenantId);
      const kept = await message(randomWaId(), 'para la cuenta anterior');
      await heldCount(old.tenantId, 1);

      const next = await svc.connectTenant();
      const fresh = await message(randomWaId(), 'para la cuenta nueva');
      await waitFor(() => inboundOf(next.tenantId).find((e) => e.wamid === fresh), {
        what: 'routed to new owner',
      });
      await svc.app.get(HeldWebhookReplay).replayDue();
      expect(await heldRows(old.tenantId)).toHaveLength(1);
      expect(inbound.find((e) => e.wamid === kept)).toBeUndefined();
      expect(await heldRows(next.tenantId)).toEqual([]);
    }, 30_000);

    it('kept webhooks older than the retention are deleted and never published', async () => {
      const { tenantId } = await svc.connectTenant();
      await disconnect(tenantId);
      const wamid = await message(randomWaId(), 'muy tarde');
      await heldCount(tenantId, 1);
      const replay = svc.app.get(HeldWebhookReplay);
      await expect(replay.purgeExpired()).resolves.toBe(0);
      // Default retention: 168 hours.
      await svc.db.query(
        `UPDATE meta_ads.held_webhooks SET held_at = now() - interval '169 hours' WHERE tenant_id = $1`,
        [tenantId],
      );
      await expect(replay.purgeExpired()).resolves.toBe(1);
      expect(await heldRows(tenantId)).toEqual([]);

      await reconnect(tenantId);
      await select(tenantId);
      await replay.replayDue();
      await settle(300);
      expect(inbound.find((e) => e.wamid === wamid)).toBeUndefined();
    }, 30_000);

    it('a tenant whose token expired keeps receiving its WhatsApp messages at once', async () => {
      const { tenantId } = await svc.connectTenant();
      await svc.control('/tokens/expire', { token: await svc.storedToken(tenantId) });
      await expect(svc.rpc.call(Rpc.meta.listPortfolios, { tenantId })).rejects.toBeDefined();
      const wamid = await message(randomWaId(), 'hola');
      await waitFor(() => inboundOf(tenantId).find((e) => e.wamid === wamid), {
        what: 'inbound while expired',
      });
      expect(await heldRows(tenantId)).toEqual([]);
    }, 30_000);
  });
});
