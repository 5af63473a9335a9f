import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox } from '../test-support/sandbox-fixture';

type Listing = {
  data: Record<string, unknown>[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
};

describe('Graph API: objects, paging, errors, throttling', () => {
  let sandbox: Sandbox;
  let token: string;
  const get = (path: string, query: Record<string, string> = {}) =>
    request(sandbox.app)
      .get(path)
      .query({ access_token: token, ...query });

  beforeEach(async () => {
    sandbox = newSandbox({ publicUrl: 'http://sandbox.test:4100' });
    token = await mintToken(sandbox);
  });

  it('accepts paths with and without a version prefix and echoes the version', async () => {
    const v = await get('/v25.0/me/businesses').expect(200);
    expect(v.headers['facebook-api-version']).toBe('v25.0');
    const plain = await get('/me/businesses').expect(200);
    expect(plain.headers['facebook-api-version']).toBe('v23.0');
    expect(plain.body).toEqual(v.body);
  });

  it('lists businesses, owned and client ad accounts and WABAs', async () => {
    const businesses = (
      await get('/v23.0/me/businesses', { fields: 'id,name,verification_status' }).expect(200)
    ).body as Listing;
    expect(businesses.data.map((b) => b.name)).toEqual(['Inmobiliaria Sol', 'Sol Agencia Digital']);
    const owned = (
      await get(`/v23.0/${SANDBOX_IDS.businessId}/owned_ad_accounts`, {
        fields: 'id,account_id,name,currency,timezone_name,account_status',
      }).expect(200)
    ).body as Listing;
    expect(owned.data).toEqual(
      expect.arrayContaining([
        {
          id: SANDBOX_IDS.adAccountId,
          account_id: SANDBOX_IDS.adAccountNumericId,
          name: 'Sol · Leads México',
          currency: 'MXN',
          timezone_name: 'America/Mexico_City',
          account_status: 1,
        },
        expect.objectContaining({
          id: SANDBOX_IDS.usdAdAccountId,
          currency: 'USD',
          timezone_name: 'America/Bogota',
        }),
        expect.objectContaining({ id: SANDBOX_IDS.disabledAdAccountId, account_status: 2 }),
      ]),
    );
    const client = (await get(`/v23.0/${SANDBOX_IDS.agencyBusinessId}/client_ad_accounts`).expect(200))
      .body as Listing;
    expect(client.data).toEqual([
      { account_id: SANDBOX_IDS.adAccountNumericId, id: SANDBOX_IDS.adAccountId },
    ]);
    const wabas = (await get(`/v23.0/${SANDBOX_IDS.businessId}/owned_whatsapp_business_accounts`).expect(200))
      .body as Listing;
    expect(wabas.data[0]).toMatchObject({ id: SANDBOX_IDS.wabaId, name: 'Sol WhatsApp' });
    const mine = (await get('/v23.0/me/adaccounts').expect(200)).body as Listing;
    expect(mine.data).toHaveLength(3);
  });

  it('reads campaigns, ad sets and ads with their ids and statuses', async () => {
    const campaigns = (
      await get(`/v23.0/${SANDBOX_IDS.adAccountId}/campaigns`, {
        fields: 'id,name,objective,effective_status',
      }).expect(200)
    ).body as Listing;
    expect(campaigns.data).toHaveLength(5);
    expect(new Set(campaigns.data.map((c) => c.objective))).toEqual(
      new Set(['OUTCOME_LEADS', 'OUTCOME_ENGAGEMENT']),
    );
    expect(campaigns.data.filter((c) => c.effective_status === 'PAUSED')).toHaveLength(1);
    const active = (
      await get(`/v23.0/${SANDBOX_IDS.adAccountId}/campaigns`, { effective_status: '["ACTIVE"]' }).expect(200)
    ).body as Listing;
    expect(active.data).toHaveLength(4);
    const adId = SANDBOX_IDS.adIds[0];
    const ad = await get(`/v23.0/${adId}`, {
      fields: 'id,name,adset_id,campaign_id,effective_status',
    }).expect(200);
    expect(ad.body).toMatchObject({
      id: adId,
      adset_id: SANDBOX_IDS.adsetIds[0],
      campaign_id: SANDBOX_IDS.campaignIds[0],
      effective_status: 'ACTIVE',
    });
    expect(ad.headers['x-ad-account-usage']).toBeDefined();
    const bare = await get(`/v23.0/${SANDBOX_IDS.campaignIds[0]}`).expect(200);
    expect(bare.body).toEqual({ id: SANDBOX_IDS.campaignIds[0] });
    const adsets = (
      await get(`/v23.0/${SANDBOX_IDS.adAccountId}/adsets`, {
        fields: 'campaign_id,destination_type',
      }).expect(200)
    ).body as Listing;
    expect(adsets.data.length).toBeGreaterThanOrEqual(5);
    const ads = (await get(`/v23.0/${SANDBOX_IDS.adAccountId}/ads`, { limit: '100' }).expect(200))
      .body as Listing;
    expect(ads.data.map((a) => a.id)).toEqual(SANDBOX_IDS.adIds);
  });

  it('pages with cursors: next only while more remain, previous after the first page', async () => {
    const first = (await get(`/v23.0/${SANDBOX_IDS.adAccountId}/ads`, { limit: '5' }).expect(200))
      .body as Listing;
    expect(first.data).toHaveLength(5);
    expect(first.paging?.previous).toBeUndefined();
    expect(first.paging?.next).toMatch(/^http:\/\/sandbox\.test:4100\/v23\.0\/act_\d+\/ads\?/);
    const collected = [...first.data];
    let next = first.paging?.next;
    let pages = 1;
    while (next) {
      const url = new URL(next);
      const body = (await request(sandbox.app).get(`${url.pathname}${url.search}`).expect(200))
        .body as Listing;
      expect(body.paging?.previous).toBeDefined();
      collected.push(...body.data);
      next = body.paging?.next;
      pages += 1;
    }
    expect(collected.map((a) => a.id)).toEqual(SANDBOX_IDS.adIds);
    expect(pages).toBe(Math.ceil(SANDBOX_IDS.adIds.length / 5));
    const exact = (await get(`/v23.0/${SANDBOX_IDS.adAccountId}/campaigns`, { limit: '5' }).expect(200))
      .body as Listing;
    expect(exact.data).toHaveLength(5);
    expect(exact.paging?.next).toBeUndefined();
    expect(exact.paging?.cursors.after).toBeDefined();
    const before = (
      await get(`/v23.0/${SANDBOX_IDS.adAccountId}/ads`, {
        limit: '5',
        before: (first.paging as { cursors: { after: string } }).cursors.after,
      }).expect(200)
    ).body as Listing;
    expect(before.data.map((a) => a.id)).toEqual(SANDBOX_IDS.adIds.slice(0, 4));
  });

  it('reads an ad creative as {id} alone and with the nested fields asked for', async () => {
    const adId = SANDBOX_IDS.ctwaAdIds[0];
    const bare = (await get(`/v23.0/${adId}`, { fields: 'id,creative' }).expect(200)).body as {
      creative: Record<string, unknown>;
    };
    expect(Object.keys(bare.creative)).toEqual(['id']);
    const full = (
      await get(`/v23.0/${adId}`, { fields: 'name,creative{thumbnail_url,title,body,image_url}' }).expect(200)
    ).body as { creative: Record<string, string> };
    expect(full.creative).toEqual({
      id: bare.creative.id,
      title: expect.any(String),
      body: expect.any(String),
      thumbnail_url: expect.stringMatching(/^https:\/\/scontent\.xx\.fbcdn\.net\//),
      image_url: expect.stringMatching(/^https:\/\/scontent\.xx\.fbcdn\.net\/.*\.jpg$/),
    });
    expect(full.creative.title.length).toBeGreaterThan(0);
    const listed = (
      await get(`/v23.0/${SANDBOX_IDS.adAccountId}/ads`, {
        fields: 'id,creative{title}',
        limit: '100',
      }).expect(200)
    ).body as Listing;
    const ad = listed.data.find((a) => a.id === adId) as { creative: Record<string, string> };
    expect(ad.creative).toEqual({ title: full.creative.title, id: bare.creative.id });
    const bogus = await get(`/v23.0/${adId}`, { fields: 'creative{bogus}' }).expect(400);
    expect(bogus.body.error.message).toBe(
      '(#100) Tried accessing nonexisting field (bogus) on node type (AdCreative)',
    );
  });

  it('answers errors with the Meta envelope', async () => {
    const unknown = await get('/v23.0/123456789012345').expect(400);
    expect(unknown.body.error).toMatchObject({ type: 'GraphMethodException', code: 100, error_subcode: 33 });
    expect(unknown.body.error.fbtrace_id).toMatch(/^[\w-]+$/);
    const field = await get(`/v23.0/${SANDBOX_IDS.campaignIds[0]}`, { fields: 'name,bogus' }).expect(400);
    expect(field.body.error).toMatchObject({
      code: 100,
      message: '(#100) Tried accessing nonexisting field (bogus) on node type (Campaign)',
    });
    const edge = await get(`/v23.0/${SANDBOX_IDS.adAccountId}/nope`).expect(400);
    expect(edge.body.error.code).toBe(2500);
    const noToken = await request(sandbox.app).get('/v23.0/me/businesses').expect(400);
    expect(noToken.body.error).toMatchObject({ code: 104, type: 'OAuthException' });
    const badToken = await request(sandbox.app)
      .get('/v23.0/me')
      .query({ access_token: 'EAAnope' })
      .expect(400);
    expect(badToken.body.error.code).toBe(190);
    expect(badToken.headers['www-authenticate']).toContain('invalid_token');
    const badCursor = await get(`/v23.0/${SANDBOX_IDS.adAccountId}/ads`, { after: 'garbage' }).expect(400);
    expect(badCursor.body.error.code).toBe(100);
  });

  it('enforces permissions per scope', async () => {
    const narrow = await mintToken(sandbox, { scopes: ['ads_read'] });
    const res = await request(sandbox.app)
      .get('/v23.0/me/businesses')
      .query({ access_token: narrow })
      .expect(403);
    expect(res.body.error.code).toBe(200);
    await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.adAccountId}/campaigns`)
      .query({ access_token: narrow })
      .expect(200);
  });

  it('usage headers grow with calls in the window', async () => {
    const metered = newSandbox({ usageQuotaPerWindow: 100 });
    const t = await mintToken(metered);
    const usage = async () => {
      const res = await request(metered.app)
        .get(`/v23.0/${SANDBOX_IDS.adAccountId}/campaigns`)
        .query({ access_token: t })
        .expect(200);
      const buc = JSON.parse(res.headers['x-business-use-case-usage'] as string) as Record<
        string,
        { type: string; call_count: number }[]
      >;
      return {
        app: (JSON.parse(res.headers['x-app-usage'] as string) as { call_count: number }).call_count,
        account: (JSON.parse(res.headers['x-ad-account-usage'] as string) as { acc_id_util_pct: number })
          .acc_id_util_pct,
        buc: buc[SANDBOX_IDS.adAccountNumericId][0],
      };
    };
    const first = await usage();
    await usage();
    const third = await usage();
    expect(first.buc.type).toBe('ads_management');
    expect(third.buc.call_count).toBe(first.buc.call_count + 2);
    expect(third.app).toBeGreaterThan(first.app);
    expect(third.account).toBeGreaterThan(first.account);
  });

  it('throttles ads (80004), insights (80000) or with a chosen code (17 / 4)', async () => {
    await request(sandbox.app).post('/_sandbox/throttle').send({ enabled: true, scope: 'ads' }).expect(200);
    const ads = await get(`/v23.0/${SANDBOX_IDS.adAccountId}/campaigns`).expect(400);
    expect(ads.body.error).toMatchObject({ code: 80004, error_subcode: 2446079 });
    const buc = JSON.parse(ads.headers['x-business-use-case-usage'] as string) as Record<
      string,
      { estimated_time_to_regain_access: number; call_count: number }[]
    >;
    expect(buc[SANDBOX_IDS.adAccountNumericId][0].estimated_time_to_regain_access).toBeGreaterThan(0);
    await get(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`).expect(200);

    await request(sandbox.app)
      .post('/_sandbox/throttle')
      .send({ enabled: true, scope: 'insights' })
      .expect(200);
    const insights = await get(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`).expect(400);
    expect(insights.body.error.code).toBe(80000);

    await request(sandbox.app)
      .post('/_sandbox/throttle')
      .send({ enabled: true, scope: 'all', code: 17 })
      .expect(200);
    expect((await get(`/v23.0/${SANDBOX_IDS.adAccountId}/ads`).expect(400)).body.error.code).toBe(17);
    await request(sandbox.app)
      .post('/_sandbox/throttle')
      .send({ enabled: true, scope: 'all', code: 4 })
      .expect(200);
    expect((await get(`/v23.0/${SANDBOX_IDS.adAccountId}/ads`).expect(400)).body.error.code).toBe(4);

    await request(sandbox.app).post('/_sandbox/throttle').send({ enabled: false, scope: 'all' }).expect(200);
    await get(`/v23.0/${SANDBOX_IDS.adAccountId}/campaigns`).expect(200);
  });

  it('outage: every Graph call answers 500 code 2 is_transient', async () => {
    await request(sandbox.app).post('/_sandbox/outage').send({ enabled: true }).expect(200);
    const res = await get('/v23.0/me').expect(500);
    expect(res.body.error).toMatchObject({ code: 2, is_transient: true });
    await request(sandbox.app).post('/_sandbox/outage').send({ enabled: false }).expect(200);
    await get('/v23.0/me').expect(200);
  });

  it('expired tokens (control API) answer 190/463', async () => {
    const other = await mintToken(sandbox);
    await request(sandbox.app).post('/_sandbox/tokens/expire').send({ token }).expect(200);
    const res = await get('/v23.0/me').expect(400);
    expect(res.body.error).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });
    await request(sandbox.app).get('/v23.0/me').query({ access_token: other }).expect(200);
    await request(sandbox.app).post('/_sandbox/tokens/expire').send({}).expect(200);
    await request(sandbox.app).get('/v23.0/me').query({ access_token: other }).expect(400);
  });

  it('a minted token can be short-lived', async () => {
    let clock = Date.parse('2026-09-12T10:00:00Z');
    const timed = newSandbox({ now: () => new Date(clock) });
    const t = await mintToken(timed, { expiresInSeconds: 60 });
    await request(timed.app).get('/me').query({ access_token: t }).expect(200);
    clock += 61_000;
    expect(
      (await request(timed.app).get('/me').query({ access_token: t }).expect(400)).body.error.error_subcode,
    ).toBe(463);
  });
});
