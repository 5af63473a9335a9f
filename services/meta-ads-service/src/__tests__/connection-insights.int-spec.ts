import { randomBytes, randomUUID } from 'node:crypto';
import { META_REQUIRED_SCOPES, Rpc } from '@crm/contracts';
import { DateTime } from 'luxon';
import { BREAKER_RESET_MS, startMetaAdsTestApp, waitFor, type MetaAdsTestApp } from './meta-ads-test-app';
import { rpcError } from '@crm/testing';

type SandboxInsightRow = {
  ad_id: string;
  spend: string;
  impressions: string;
  clicks: string;
  date_start: string;
};

describe('meta-ads-service: connection, assets, insights (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
  });

  afterAll(async () => {
    await svc?.close();
  });

  // A number / WABA belongs to one tenant at a time: free what the test connected.
  afterEach(async () => {
    await svc.releaseAll();
  });

  const lastDays = (timezone: string, days: number) => {
    const today = DateTime.now().setZone(timezone).startOf('day');
    return { since: today.minus({ days: days - 1 }).toISODate()!, until: today.toISODate()! };
  };

  describe('OAuth state', () => {
    it('accepts a nonce once and refuses a replay or an expired state', async () => {
      const request = {
        tenantId: randomUUID(),
        userId: randomUUID(),
        nonce: randomBytes(16).toString('hex'),
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      };
      await expect(svc.rpc.call(Rpc.meta.consumeOauthState, request)).resolves.toEqual({ ok: true });
      const replay = await rpcError(svc.rpc.call(Rpc.meta.consumeOauthState, request));
      expect(replay.code).toBe('CONFLICT');
      const expired = await rpcError(
        svc.rpc.call(Rpc.meta.consumeOauthState, {
          ...request,
          nonce: randomBytes(16).toString('hex'),
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        }),
      );
      expect(expired).toMatchObject({ code: 'CONFLICT', message: 'state already used or expired' });
    });

    it('rejects a malformed payload with VALIDATION', async () => {
      const error = await rpcError(
        svc.rpc.callInvalid(Rpc.meta.consumeOauthState, { tenantId: 'nope', nonce: 'x' }),
      );
      expect(error.code).toBe('VALIDATION');
    });
  });

  it('reports disconnected and refuses Meta reads for a tenant that never connected', async () => {
    const tenantId = randomUUID();
    const status = await svc.rpc.call(Rpc.meta.connectionStatus, { tenantId });
    expect(status).toMatchObject({ state: 'disconnected', setupComplete: false, business: null });
    const error = await rpcError(
      svc.rpc.call(Rpc.meta.adInsights, { tenantId, since: '2026-01-01', until: '2026-01-31' }),
    );
    expect(error.code).toBe('META_NOT_CONNECTED');
    expect((await rpcError(svc.rpc.call(Rpc.meta.listPortfolios, { tenantId }))).code).toBe(
      'META_NOT_CONNECTED',
    );
  });

  it('connects: long-lived token stored encrypted, assets listed, selected, catalogue and templates synced', async () => {
    const tenantId = randomUUID();
    const shortToken = await svc.mintToken();
    const connected = await svc.rpc.call(Rpc.meta.completeOauth, {
      tenantId,
      userId: randomUUID(),
      accessToken: shortToken,
    });
    expect(connected).toMatchObject({ state: 'connected', setupComplete: false, missingScopes: [] });
    expect(connected.scopes).toEqual(expect.arrayContaining([...META_REQUIRED_SCOPES]));
    expect(new Date(connected.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 50 * 86_400_000);

    const { rows } = await svc.db.query(
      `SELECT access_token_encrypted, page_ids, meta_user_id FROM meta_ads.connections WHERE tenant_id = $1`,
      [tenantId],
    );
    const sealed: string = rows[0].access_token_encrypted;
    const longLived = await svc.storedToken(tenantId);
    expect(longLived).not.toBe(shortToken);
    expect(svc.sandbox.state.tokens.get(longLived)?.longLived).toBe(true);
    expect(sealed).not.toContain(longLived);
    expect(sealed).not.toContain(shortToken);
    expect(sealed).not.toMatch(/EAA/);
    expect(rows[0].page_ids).toContain(svc.ids.pageId);
    expect(rows[0].meta_user_id).toBe(svc.ids.userId);

    const portfolios = await svc.rpc.call(Rpc.meta.listPortfolios, { tenantId });
    expect(portfolios.map((p) => p.id)).toContain(svc.ids.businessId);

    const accounts = await svc.rpc.call(Rpc.meta.listAdAccounts, {
      tenantId,
      businessId: svc.ids.businessId,
    });
    expect(new Set(accounts.map((a) => a.id)).size).toBe(accounts.length);
    expect(accounts.find((a) => a.id === svc.ids.adAccountId)).toMatchObject({
      accountStatus: 1,
      selectable: true,
    });
    const disabled = accounts.find((a) => a.id === svc.ids.disabledAdAccountId);
    if (disabled) expect(disabled.selectable).toBe(false);

    const numbers = await svc.rpc.call(Rpc.meta.listPhoneNumbers, {
      tenantId,
      businessId: svc.ids.businessId,
    });
    expect(numbers.find((n) => n.id === svc.ids.phoneNumberIds[0])).toMatchObject({ wabaId: svc.ids.wabaId });

    const wrongAccount = await rpcError(
      svc.rpc.call(Rpc.meta.selectAssets, {
        tenantId,
        businessId: svc.ids.businessId,
        adAccountId: 'act_999999999',
        wabaId: svc.ids.wabaId,
        phoneNumberId: svc.ids.phoneNumberIds[0],
      }),
    );
    expect(wrongAccount.code).toBe('VALIDATION');

    const selected = await svc.rpc.call(
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
    expect(selected.setupComplete).toBe(true);
    expect(selected.adAccount).toMatchObject({ id: svc.ids.adAccountId });
    expect(selected.adAccount!.currency).toMatch(/^[A-Z]{3}$/);
    expect(selected.phoneNumber).toMatchObject({ id: svc.ids.phoneNumberIds[0], wabaId: svc.ids.wabaId });
    expect(JSON.stringify(selected)).not.toContain(longLived);

    const ads = await svc.db.query(`SELECT count(*)::int AS n FROM meta_ads.ads WHERE tenant_id = $1`, [
      tenantId,
    ]);
    expect(ads.rows[0].n).toBe(svc.ids.adIds.length);
    const templates = await svc.db.query(
      `SELECT count(*)::int AS n FROM meta_ads.templates WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(templates.rows[0].n).toBe(
      svc.sandbox.state.templates.filter((t) => t.wabaId === svc.ids.wabaId).length,
    );

    // A reconnect replaces the token and keeps the chosen assets.
    const again = await svc.rpc.call(Rpc.meta.completeOauth, {
      tenantId,
      userId: randomUUID(),
      accessToken: await svc.mintToken(),
    });
    expect(again).toMatchObject({ state: 'connected', setupComplete: true });
    expect(await svc.storedToken(tenantId)).not.toBe(longLived);
  });

  it('adInsights: totals equal the sum of the sandbox daily rows, every catalogue ad listed, then cached', async () => {
    const { tenantId, status } = await svc.connectTenant();
    const range = lastDays(status.adAccount!.timezone, 30);
    const result = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }, 20_000);
    expect(result).toMatchObject({
      adAccountId: svc.ids.adAccountId,
      stale: false,
      currency: status.adAccount!.currency,
    });
    expect(result.rows.map((r) => r.adId).sort()).toEqual([...svc.ids.adIds].sort());

    const daily = await svc.graphList<SandboxInsightRow>(
      `${svc.ids.adAccountId}/insights`,
      await svc.mintToken(),
      {
        level: 'ad',
        time_increment: '1',
        fields: 'ad_id,spend,impressions,clicks',
        time_range: JSON.stringify(range),
        limit: '200',
      },
    );
    expect(daily.length).toBeGreaterThan(result.rows.filter((r) => r.spend > 0).length);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(result.rows.map((r) => r.spend))).toBeCloseTo(sum(daily.map((d) => Number(d.spend))), 2);
    expect(sum(result.rows.map((r) => r.impressions))).toBe(sum(daily.map((d) => Number(d.impressions))));
    expect(sum(result.rows.map((r) => r.clicks))).toBe(sum(daily.map((d) => Number(d.clicks))));
    for (const row of result.rows) {
      const own = daily.filter((d) => d.ad_id === row.adId);
      expect(row.spend).toBeCloseTo(sum(own.map((d) => Number(d.spend))), 2);
      expect(row.campaignName).not.toBe('');
    }

    // Fresh for 15 minutes: the second answer is the cached one.
    const cached = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range });
    expect(cached.fetchedAt).toBe(result.fetchedAt);
    expect(cached.rows).toEqual(result.rows);
  });

  it('adInsightsIfChanged: "not modified" while the caller holds the fresh cached answer, else the full answer', async () => {
    const { tenantId, status } = await svc.connectTenant();
    const range = lastDays(status.adAccount!.timezone, 30);
    const first = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }, 20_000);
    const ifChanged = (held: { adAccountId: string; fetchedAt: string }) =>
      svc.rpc.call(Rpc.meta.adInsightsIfChanged, { tenantId, ...range, ...held }, 20_000);

    // The answer is stored just after it is given.
    await waitFor(async () => {
      const stored = await svc.db.query(`SELECT 1 FROM meta_ads.insights_cache WHERE tenant_id = $1`, [
        tenantId,
      ]);
      return (stored.rowCount ?? 0) > 0;
    });
    expect(await ifChanged(first)).toEqual({
      notModified: true,
      adAccountId: svc.ids.adAccountId,
      fetchedAt: first.fetchedAt,
    });
    // A copy that is not the cached one (another answer, another account): the full answer.
    const other = await ifChanged({ adAccountId: first.adAccountId, fetchedAt: '2020-01-01T00:00:00.000Z' });
    expect(other).toMatchObject({ fetchedAt: first.fetchedAt, rows: first.rows, stale: false });
    const otherAccount = await ifChanged({ adAccountId: 'act_1', fetchedAt: first.fetchedAt });
    expect(otherAccount).toMatchObject({ fetchedAt: first.fetchedAt, rows: first.rows });

    // The cached answer is no longer fresh: Meta is asked again, even by the holder of that very answer.
    await svc.ageInsightsCache(tenantId, 20);
    const { rows } = await svc.db.query<{ at: Date }>(
      `SELECT fetched_at AS at FROM meta_ads.insights_cache WHERE tenant_id = $1`,
      [tenantId],
    );
    const aged = { adAccountId: first.adAccountId, fetchedAt: rows[0].at.toISOString() };
    const refreshed = await ifChanged(aged);
    expect('rows' in refreshed && refreshed.fetchedAt > first.fetchedAt).toBe(true);

    const invalid = await rpcError(
      svc.rpc.callInvalid(Rpc.meta.adInsightsIfChanged, {
        tenantId,
        ...range,
        adAccountId: first.adAccountId,
        fetchedAt: 'yesterday',
      }),
    );
    expect(invalid.code).toBe('VALIDATION');
  });

  it('lists ads that did not spend with zeros (a range before any delivery)', async () => {
    const { tenantId } = await svc.connectTenant();
    const result = await svc.rpc.call(Rpc.meta.adInsights, {
      tenantId,
      since: '2019-01-01',
      until: '2019-01-31',
    });
    expect(result.rows).toHaveLength(svc.ids.adIds.length);
    expect(result.rows.every((r) => r.spend === 0 && r.impressions === 0 && r.clicks === 0)).toBe(true);
  });

  it('rejects an inverted or impossible date range', async () => {
    const { tenantId } = await svc.connectTenant({ select: false });
    const inverted = await rpcError(
      svc.rpc.call(Rpc.meta.adInsights, { tenantId, since: '2026-02-10', until: '2026-02-01' }),
    );
    expect(inverted.code).toBe('VALIDATION');
    const impossible = await rpcError(
      svc.rpc.call(Rpc.meta.adInsights, { tenantId, since: '2026-02-30', until: '2026-03-01' }),
    );
    expect(impossible.code).toBe('VALIDATION');
  });

  describe('rate limits and outages', () => {
    afterEach(async () => {
      await svc.control('/throttle', { enabled: false, scope: 'all' });
      await svc.control('/outage', { enabled: false });
      await new Promise((r) => setTimeout(r, BREAKER_RESET_MS + 100));
    });

    it('throttled insights without a cache → META_RATE_LIMITED with retryAfterSeconds; the breaker then holds calls back', async () => {
      const { tenantId, status } = await svc.connectTenant();
      await svc.control('/throttle', { enabled: true, scope: 'insights' });
      const range = lastDays(status.adAccount!.timezone, 7);
      const error = await rpcError(svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }));
      expect(error.code).toBe('META_RATE_LIMITED');
      expect(error.details).toMatchObject({ metaCode: 80000, retryAfterSeconds: 300 });

      const callsBefore =
        svc.sandbox.state.usage.get(`ads_insights:${svc.ids.adAccountNumericId}`)?.length ?? 0;
      const held = await rpcError(svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range }));
      expect(held.code).toBe('META_RATE_LIMITED');
      expect(held.details).toMatchObject({ breakerOpen: true });
      const callsAfter =
        svc.sandbox.state.usage.get(`ads_insights:${svc.ids.adAccountNumericId}`)?.length ?? 0;
      expect(callsAfter).toBe(callsBefore);

      const current = await svc.rpc.call(Rpc.meta.connectionStatus, { tenantId });
      expect(current.lastError).toMatchObject({ code: 'META_RATE_LIMITED' });

      // Once Meta lets us in again and the breaker half-opens, the call goes through.
      await svc.control('/throttle', { enabled: false, scope: 'all' });
      await new Promise((r) => setTimeout(r, BREAKER_RESET_MS + 100));
      const ok = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range });
      expect(ok.stale).toBe(false);
    });

    it('with a warm cache, a rate-limited or unavailable Meta answers stale: true', async () => {
      const { tenantId, status } = await svc.connectTenant();
      const range = lastDays(status.adAccount!.timezone, 14);
      const fresh = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range });
      await svc.ageInsightsCache(tenantId, 20);
      await svc.control('/throttle', { enabled: true, scope: 'insights' });
      const stale = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range });
      expect(stale.stale).toBe(true);
      expect(stale.rows).toEqual(fresh.rows);
      expect(new Date(stale.fetchedAt).getTime()).toBeLessThan(Date.now() - 19 * 60_000);

      await svc.control('/throttle', { enabled: false, scope: 'all' });
      await svc.control('/outage', { enabled: true });
      await new Promise((r) => setTimeout(r, BREAKER_RESET_MS + 100));
      const duringOutage = await svc.rpc.call(Rpc.meta.adInsights, { tenantId, ...range });
      expect(duringOutage.stale).toBe(true);
    });

    it('an outage without a cache → META_UNAVAILABLE', async () => {
      const { tenantId } = await svc.connectTenant();
      await svc.control('/outage', { enabled: true });
      const error = await rpcError(
        svc.rpc.call(Rpc.meta.adInsights, { tenantId, since: '2025-01-01', until: '2025-01-02' }),
      );
      expect(error.code).toBe('META_UNAVAILABLE');
    });
  });

  it('an expired token → META_TOKEN_EXPIRED and status expired, without asking Meta again', async () => {
    const { tenantId } = await svc.connectTenant();
    await svc.control('/tokens/expire', { token: await svc.storedToken(tenantId) });
    const error = await rpcError(svc.rpc.call(Rpc.meta.listPortfolios, { tenantId }));
    expect(error.code).toBe('META_TOKEN_EXPIRED');
    expect(JSON.stringify(error)).not.toContain(await svc.storedToken(tenantId));
    const status = await svc.rpc.call(Rpc.meta.connectionStatus, { tenantId });
    expect(status.state).toBe('expired');
    expect(status.lastError).toMatchObject({ code: 'META_TOKEN_EXPIRED' });
    const again = await rpcError(
      svc.rpc.call(Rpc.meta.adInsights, { tenantId, since: '2025-01-01', until: '2025-01-02' }),
    );
    expect(again.code).toBe('META_TOKEN_EXPIRED');
  });

  it('resolveAd: from the catalogue, else from Meta (then stored); unknown → NOT_FOUND', async () => {
    const { tenantId } = await svc.connectTenant({ select: false });
    const adId = svc.ids.ctwaAdIds[0];
    const expected = svc.sandbox.state.dataset.ads.find((a) => a.id === adId)!;
    const resolved = await svc.rpc.call(Rpc.meta.resolveAd, { tenantId, adId });
    expect(resolved).toEqual({
      adId,
      adName: expected.name,
      adsetId: expected.adsetId,
      campaignId: expected.campaignId,
      campaignName: svc.sandbox.state.dataset.campaigns.find((c) => c.id === expected.campaignId)!.name,
    });
    const stored = await svc.db.query(
      `SELECT adset_name FROM meta_ads.ads WHERE tenant_id = $1 AND ad_id = $2`,
      [tenantId, adId],
    );
    expect(stored.rows[0].adset_name).toBe(
      svc.sandbox.state.dataset.adSets.find((s) => s.id === expected.adsetId)!.name,
    );
    const unknown = await rpcError(svc.rpc.call(Rpc.meta.resolveAd, { tenantId, adId: '1234567' }));
    expect(unknown.code).toBe('NOT_FOUND');
  });

  describe('a WhatsApp number belongs to one account at a time', () => {
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

    it('a second tenant selecting the same number → CONFLICT, even while the first is expired; free after a disconnect', async () => {
      const first = await svc.connectTenant();
      const second = await svc.connectTenant({ select: false });

      const taken = await rpcError(select(second.tenantId));
      expect(taken).toMatchObject({
        code: 'CONFLICT',
        message: 'this WhatsApp number is already connected to another CRM Ventas account',
        details: { reason: 'number_owned' },
      });
      expect(JSON.stringify(taken)).not.toContain(first.tenantId);
      const refused = await svc.rpc.call(Rpc.meta.connectionStatus, {
        tenantId: second.tenantId,
      });
      expect(refused).toMatchObject({ setupComplete: false, phoneNumber: null });
      // Nothing was synced for the refused tenant.
      const ads = await svc.db.query(`SELECT count(*)::int AS n FROM meta_ads.ads WHERE tenant_id = $1`, [
        second.tenantId,
      ]);
      expect(ads.rows[0].n).toBe(0);

      // The owner choosing its own number again is fine.
      await expect(select(first.tenantId)).resolves.toMatchObject({ setupComplete: true });

      // An expired connection still owns its number (it keeps receiving its webhooks until it reconnects).
      await svc.control('/tokens/expire', { token: await svc.storedToken(first.tenantId) });
      expect((await rpcError(svc.rpc.call(Rpc.meta.listPortfolios, { tenantId: first.tenantId }))).code).toBe(
        'META_TOKEN_EXPIRED',
      );
      expect((await rpcError(select(second.tenantId))).code).toBe('CONFLICT');

      await svc.rpc.call(Rpc.meta.disconnect, { tenantId: first.tenantId });
      const selected = await select(second.tenantId);
      expect(selected).toMatchObject({
        setupComplete: true,
        phoneNumber: { id: svc.ids.phoneNumberIds[0], wabaId: svc.ids.wabaId },
      });

      // The first tenant reconnecting cannot take it back.
      await svc.rpc.call(Rpc.meta.completeOauth, {
        tenantId: first.tenantId,
        userId: randomUUID(),
        accessToken: await svc.mintToken(),
      });
      expect((await rpcError(select(first.tenantId))).code).toBe('CONFLICT');
    }, 30_000);

    it('the database refuses a second live owner of a number or a WABA', async () => {
      const owner = await svc.connectTenant();
      const other = await svc.connectTenant({ select: false });
      for (const column of ['phone_number_id', 'waba_id']) {
        const value = column === 'waba_id' ? svc.ids.wabaId : owner.status.phoneNumber!.id;
        await expect(
          svc.db.query(`UPDATE meta_ads.connections SET ${column} = $1 WHERE tenant_id = $2`, [
            value,
            other.tenantId,
          ]),
        ).rejects.toMatchObject({ code: '23505' });
      }
      // A disconnected row holds nothing: the same values are accepted there.
      await svc.rpc.call(Rpc.meta.disconnect, { tenantId: other.tenantId });
      await svc.db.query(`UPDATE meta_ads.connections SET waba_id = $1 WHERE tenant_id = $2`, [
        svc.ids.wabaId,
        other.tenantId,
      ]);
    }, 30_000);
  });

  it('disconnect revokes on Meta, forgets the token and the assets', async () => {
    const { tenantId } = await svc.connectTenant();
    const token = await svc.storedToken(tenantId);
    const status = await svc.rpc.call(Rpc.meta.disconnect, { tenantId });
    expect(status).toMatchObject({
      state: 'disconnected',
      setupComplete: false,
      adAccount: null,
      phoneNumber: null,
    });
    expect(svc.sandbox.state.tokens.get(token)?.revoked).toBe(true);
    const { rows } = await svc.db.query(
      `SELECT access_token_encrypted, ad_account_id, state FROM meta_ads.connections WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows[0]).toEqual({ access_token_encrypted: null, ad_account_id: null, state: 'disconnected' });
    const ads = await svc.db.query(`SELECT count(*)::int AS n FROM meta_ads.ads WHERE tenant_id = $1`, [
      tenantId,
    ]);
    expect(ads.rows[0].n).toBe(0);
    expect((await rpcError(svc.rpc.call(Rpc.meta.listPortfolios, { tenantId }))).code).toBe(
      'META_NOT_CONNECTED',
    );
  });
});
