import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from 'pg';
import { Rpc, Webhooks } from '@crm/contracts';
import { streamFor } from '@crm/nest-common';
// Tests only: the Meta sandbox is a tool, never a runtime dependency of the gateway.
import { createSandbox, idsOf } from '@crm/meta-sandbox';
import {
  RpcTestClient,
  connectTenantToSandbox,
  freePort,
  startServiceProcess,
  waitFor,
  waitForConsumerIdle,
  type ServiceHandle,
} from '@crm/testing';
import { connectDatabase, seedTenant, startTestGateway, type TestGateway } from './gateway-test-support';

// The test waits up to 60 s for the parking, then for two consumers to go idle: more than the default's one idle wait.
jest.setTimeout(120_000);

const APP_SECRET = 'int-test-app-secret';
/** Small delivery limit and backoff so a transient failure is parked within a second or two. */
const DELIVERY_ENV = {
  JETSTREAM_MAX_DELIVER: '3',
  JETSTREAM_BACKOFF_BASE_MS: '50',
  JETSTREAM_BACKOFF_MAX_MS: '200',
};

/**
 * Poison messages end: correctly signed but malformed webhooks posted to the real gateway make a consumer throw;
 * each is parked in the consuming service's dead-letter table and counted in /metrics, the consumers are left with
 * nothing pending, and a valid webhook sent right after is processed.
 */
describe('poison webhooks are parked, not retried forever (gateway → meta-ads-service → crm-service)', () => {
  const tag = randomUUID();
  let sandboxClose: () => Promise<void>;
  let ids: ReturnType<typeof idsOf>;
  let crm: ServiceHandle;
  let metaAds: ServiceHandle;
  let metaAdsPort: number;
  let crmPort: number;
  let gateway: TestGateway;
  let db: Client;
  let rpc: RpcTestClient;
  let tenantId: string;

  beforeAll(async () => {
    db = await connectDatabase();
    rpc = new RpcTestClient(process.env.NATS_URL!);
    const sandbox = createSandbox({
      // Ids of our own: other suites connect the default dataset's number, which belongs to one tenant at a time.
      seed: `poison-${tag}`,
      appSecret: APP_SECRET,
      webhookUrl: 'http://127.0.0.1:9/webhooks/meta',
    });
    ids = idsOf(sandbox.state.dataset);
    const listening = await sandbox.listen(0);
    sandboxClose = () => listening.close();
    [metaAdsPort, crmPort] = await Promise.all([freePort(), freePort()]);
    [crm, metaAds, gateway] = await Promise.all([
      startServiceProcess('crm-service', {
        HTTP_PORT: String(crmPort),
        DATABASE_URL: process.env.DATABASE_URL!,
        NATS_URL: process.env.NATS_URL!,
        LOG_LEVEL: 'fatal',
        ...DELIVERY_ENV,
      }),
      startServiceProcess('meta-ads-service', {
        HTTP_PORT: String(metaAdsPort),
        DATABASE_URL: process.env.DATABASE_URL!,
        NATS_URL: process.env.NATS_URL!,
        LOG_LEVEL: 'fatal',
        META_GRAPH_URL: listening.url,
        META_GRAPH_VERSION: 'v23.0',
        META_APP_ID: ids.appId,
        META_APP_SECRET: APP_SECRET,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ...DELIVERY_ENV,
      }),
      startTestGateway({ META_APP_SECRET: APP_SECRET, META_APP_ID: ids.appId }),
    ]);
    // One tenant in crm and connected in meta-ads to the sandbox's WABA and number, so webhooks are routed to it.
    tenantId = (await seedTenant(db, `Poison ${tag.slice(0, 8)}`)).tenantId;
    await connectTenantToSandbox(rpc, listening.url, tenantId, ids);
  });

  afterAll(async () => {
    if (tenantId) await rpc.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
    await gateway?.close();
    await Promise.all([crm?.stop(), metaAds?.stop()]);
    await sandboxClose?.();
    await rpc?.close();
    await db?.end();
  });

  const waba = (value: Record<string, unknown>, field = 'messages') => ({
    object: 'whatsapp_business_account',
    test: tag,
    entry: [{ id: ids.wabaId, changes: [{ field, value }] }],
  });
  const metadata = () => ({ display_phone_number: '5215500000000', phone_number_id: ids.phoneNumberIds[0] });
  const phone = () => `52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const inbound = (from: string, name: string, extra: Record<string, unknown> = {}) =>
    waba({
      messaging_product: 'whatsapp',
      metadata: metadata(),
      contacts: [{ profile: { name }, wa_id: from }],
      messages: [
        {
          from,
          id: `wamid.POISON${randomUUID().replace(/-/g, '')}`,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'hola' },
        },
      ],
      ...extra,
    });
  const status = (fields: Record<string, unknown>) =>
    waba({
      messaging_product: 'whatsapp',
      metadata: metadata(),
      statuses: [
        {
          id: `wamid.POISON${randomUUID().replace(/-/g, '')}`,
          status: 'delivered',
          timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: phone(),
          ...fields,
        },
      ],
    });

  /** Posts a signed body; resolves with its SHA-256, which every JetStream part of it carries (`bodySha256`). */
  async function post(body: unknown): Promise<string> {
    const raw = JSON.stringify(body);
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
    await request(gateway.server)
      .post('/webhooks/meta')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', signature)
      .send(raw)
      .expect(200);
    return createHash('sha256').update(raw).digest('hex');
  }

  async function metric(port: number, name: string, consumer: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes(`consumer="${consumer}"`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  it('parks each malformed body with its error, counts it, idles every consumer, and still processes a valid one', async () => {
    const malformed: Record<string, unknown>[] = [
      { object: 'whatsapp_business_account', test: tag, entry: [null] },
      { object: 'whatsapp_business_account', test: tag, entry: [{ id: ids.wabaId, changes: 7 }] },
      waba({ messaging_product: 'whatsapp', metadata: metadata(), statuses: {} }),
      inbound(phone(), 'Ana', { contacts: 'abc' }),
      status({ status: 'failed', errors: [null] }),
      status({ timestamp: '99999999999999999' }),
      waba(
        {
          event: 'APPROVED',
          message_template_name: 'seguimiento',
          message_template_language: { code: 'es_MX' },
        },
        'message_template_status_update',
      ),
    ];
    const bodies: string[] = [];
    for (const body of malformed) bodies.push(await post(body));
    const expected = malformed.length;
    const ofTheseBodies = bodies.map((sha) => `%${sha}%`);

    const webhookConsumer = 'meta-ads-service-webhook-parts';
    await waitFor(
      async () => {
        const { rows } = await db.query<{ error_code: string }>(
          `SELECT error_code FROM meta_ads.dead_letters WHERE consumer = $1 AND payload LIKE ANY($2)`,
          [webhookConsumer, ofTheseBodies],
        );
        if (rows.length !== expected) {
          throw new Error(`${rows.length} parked: ${rows.map((r) => r.error_code).join(', ')}`);
        }
        return true;
      },
      { what: 'every malformed webhook to be parked', timeoutMs: 60_000 },
    );
    const parked = await db.query<{
      subject: string;
      error_code: string;
      error_message: string;
      attempts: number;
    }>(
      `SELECT subject, error_code, error_message, attempts, stream_sequence FROM meta_ads.dead_letters
        WHERE consumer = $1 AND payload LIKE ANY($2) ORDER BY stream_sequence`,
      [webhookConsumer, ofTheseBodies],
    );
    expect(parked.rows).toHaveLength(expected);
    for (const row of parked.rows) {
      expect(row.subject).toBe(Webhooks.metaPart);
      // Malformed Meta data is a VALIDATION error naming what is wrong: parked at the first delivery.
      expect(row.error_code).toBe('VALIDATION');
      expect(row.error_message).not.toBe('');
      expect(row.attempts).toBe(1);
    }

    expect(await metric(metaAdsPort, 'crm_dead_letters_total', webhookConsumer)).toBe(expected);
    expect(await metric(metaAdsPort, 'crm_dead_letters_parked', webhookConsumer)).toBeGreaterThanOrEqual(
      expected,
    );
    expect(await metric(crmPort, 'crm_dead_letters_total', 'crm-service_whatsapp-inbound')).toBe(0);

    await waitForConsumerIdle(webhookConsumer, streamFor(Webhooks.metaPart).name);
    await waitForConsumerIdle('crm-service_whatsapp-inbound');

    // A NUL in a contact name is cleaned where Meta's JSON is parsed: a lead, not a poison message.
    const nulPhone = phone();
    await post(inbound(nulPhone, 'Ana\u0000Maria'));
    // A valid webhook right after: a lead for its sender appears.
    const validPhone = phone();
    await post(inbound(validPhone, 'Valeria Poison'));
    // Webhook parts are handled concurrently: the two leads may appear in either order.
    await waitFor(
      async () => {
        const { rows } = await db.query(`SELECT 1 FROM crm.leads WHERE tenant_id = $1 AND phone = ANY($2)`, [
          tenantId,
          [`+${validPhone}`, `+${nulPhone}`],
        ]);
        return rows.length === 2;
      },
      { what: 'both webhooks to create their leads', timeoutMs: 30_000 },
    );
    const cleaned = await db.query<{ name: string }>(
      `SELECT name FROM crm.leads WHERE tenant_id = $1 AND phone = $2`,
      [tenantId, `+${nulPhone}`],
    );
    expect(cleaned.rows.map((r) => r.name)).toEqual(['AnaMaria']);
    await waitForConsumerIdle(webhookConsumer, streamFor(Webhooks.metaPart).name);
    await waitForConsumerIdle('crm-service_whatsapp-inbound');
  });
});
