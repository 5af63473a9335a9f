import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { Rpc } from '@crm/contracts';
import {
  createSandbox,
  idsOf,
  type ListeningSandbox,
  type Sandbox,
  type SandboxIds,
} from '@crm/meta-sandbox';
import {
  RpcTestClient,
  connectTenantToSandbox,
  freePort,
  startServiceProcess,
  waitFor,
  type ServiceHandle,
} from '@crm/testing';
import type { Client } from 'pg';
import { connectDatabase, seedTenant, startTestGateway, type TestGateway } from './gateway-test-support';

// The beforeAll, without a timeout of its own, starts two service processes and the gateway.
jest.setTimeout(120_000);

const APP_SECRET = 'gateway-webhooks-app-secret';

/**
 * Meta → gateway → meta-ads-service → crm-service with real processes, NATS and PostgreSQL; Meta is the sandbox
 * (a dataset of its own, so its number and page are free of the other suites' tenants).
 */
describe('Meta webhooks end to end: gateway, meta-ads-service and crm-service', () => {
  let sandbox: Sandbox;
  let listening: ListeningSandbox;
  let ids: SandboxIds;
  let gateway: TestGateway;
  let crm: ServiceHandle;
  let meta: ServiceHandle;
  let rpc: RpcTestClient;
  let db: Client;
  let tenantId: string;

  beforeAll(async () => {
    sandbox = createSandbox({
      // A fixed seed: its dataset has a Lead Ads lead whose id and ad id are beyond 2^53 (the "ids as JSON numbers"
      // test needs one; about 1 random seed in 50 has none, which made that test fail now and then).
      seed: 'gateway-webhooks',
      appSecret: APP_SECRET,
      webhookUrl: 'http://127.0.0.1:9/webhooks/meta',
      webhookMaxAttempts: 1,
      webhookTimeoutMs: 500,
    });
    listening = await sandbox.listen(0);
    ids = idsOf(sandbox.state.dataset);
    const common = {
      DATABASE_URL: process.env.DATABASE_URL!,
      NATS_URL: process.env.NATS_URL!,
      LOG_LEVEL: 'warn',
    };
    [gateway, crm, meta] = await Promise.all([
      startTestGateway({ META_APP_SECRET: APP_SECRET }),
      startServiceProcess('crm-service', { ...common, HTTP_PORT: String(await freePort()) }),
      startServiceProcess('meta-ads-service', {
        ...common,
        HTTP_PORT: String(await freePort()),
        META_GRAPH_URL: listening.url,
        META_APP_ID: ids.appId,
        META_APP_SECRET: APP_SECRET,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }),
    ]);
    db = await connectDatabase();
    ({ tenantId } = await seedTenant(db, 'Webhooks de punta a punta'));
    rpc = new RpcTestClient(process.env.NATS_URL!);
    await connectTenantToSandbox(rpc, listening.url, tenantId, ids, { leadAdsPageId: ids.pageId });
  }, 120_000);

  afterAll(async () => {
    await rpc?.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
    await rpc?.close();
    await Promise.all([gateway?.close(), crm?.stop(), meta?.stop()]);
    await db?.end();
    await listening?.close();
  });

  const postSigned = (body: string) =>
    request(gateway.server)
      .post('/webhooks/meta')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`)
      .send(body);

  const leadRow = (where: string, value: string) =>
    waitFor(
      async () =>
        (
          await db.query<Record<string, string | null>>(
            `SELECT name, phone, lead_source, meta_ad_id, meta_adset_id, meta_campaign_id, meta_leadgen_id
               FROM crm.leads WHERE tenant_id = $1 AND ${where} = $2`,
            [tenantId, value],
          )
        ).rows[0],
      { what: `crm lead with ${where} ${value}`, timeoutMs: 30_000, intervalMs: 200 },
    );

  it('a signed ~1 MB body of escaped text and statuses → 200, a lead (name without NUL) and every status processed', async () => {
    const waId = `52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const wamid = `wamid.BIG${randomUUID().replace(/-/g, '')}`;
    const statusIds = Array.from({ length: 1500 }, () => `wamid.ST${randomUUID().replace(/-/g, '')}`);
    const metadata = { phone_number_id: ids.phoneNumberIds[0], display_phone_number: '5215500000000' };
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: ids.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata,
                contacts: [{ wa_id: waId, profile: { name: 'Ana\u0000 Pérez' } }],
                messages: [
                  {
                    from: waId,
                    id: wamid,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'é"\\'.repeat(80_000) },
                  },
                ],
              },
            },
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata,
                statuses: statusIds.map((id) => ({
                  id,
                  status: 'delivered',
                  timestamp: '1767225600',
                  recipient_id: '5215512340000',
                })),
              },
            },
          ],
        },
      ],
    }).replace(/é/g, '\\u00e9');
    expect(Buffer.byteLength(body)).toBeGreaterThan(900_000);

    const response = await postSigned(body).expect(200);
    expect(response.text).toBe('EVENT_RECEIVED');

    const lead = await leadRow('phone', `+${waId}`);
    expect(lead).toMatchObject({ name: 'Ana Pérez', lead_source: 'WHATSAPP' });
    await waitFor(
      async () => {
        const { rows } = await db.query<{ count: string }>(
          `SELECT count(*) FROM meta_ads.webhook_receipts WHERE tenant_id = $1 AND event_key = ANY($2)`,
          [tenantId, [`wa-in:${wamid}`, ...statusIds.map((id) => `wa-st:${id}:delivered`)]],
        );
        return Number(rows[0].count) === statusIds.length + 1 || undefined;
      },
      { what: 'every status and the message recorded', timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  it("Meta's documented Lead Ads webhook with ids as JSON numbers → a lead with the exact ad, ad set and campaign", async () => {
    const seed = sandbox.state.dataset.seedLeads.find(
      (lead) =>
        lead.adId !== undefined &&
        String(Number(lead.id)) !== lead.id &&
        String(Number(lead.adId)) !== lead.adId,
    )!;
    expect(seed).toBeDefined();
    const ad = sandbox.state.dataset.ads.find((a) => a.id === seed.adId)!;
    // REFERENCE §6.2, with the ids printed as numbers the way Meta's Lead Ads documentation prints them.
    const body =
      `{"object": "page", "entry": [{"id": ${ids.pageId}, "time": 1438292065, "changes": [{"field": "leadgen", ` +
      `"value": {"leadgen_id": ${seed.id}, "page_id": ${ids.pageId}, "form_id": ${seed.formId}, ` +
      `"adgroup_id": ${seed.adId}, "ad_id": ${seed.adId}, "created_time": 1440120384}}]}]}`;
    await postSigned(body).expect(200);
    const lead = await leadRow('meta_leadgen_id', seed.id);
    expect(lead).toMatchObject({
      lead_source: 'META_ADS',
      meta_leadgen_id: seed.id,
      meta_ad_id: seed.adId,
      meta_adset_id: ad.adsetId,
      meta_campaign_id: ad.campaignId,
    });
  });
});
