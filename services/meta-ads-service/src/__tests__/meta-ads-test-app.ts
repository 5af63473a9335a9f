import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  QueueGroups,
  Rpc,
  Webhooks,
  type ConnectionStatus,
  type EventPayload,
  type EventSubject,
} from '@crm/contracts';
// Tests only: the Meta sandbox is a tool, never a runtime dependency of the service.
import {
  createSandbox,
  idsOf,
  type ListeningSandbox,
  type Sandbox,
  type SandboxIds,
} from '@crm/meta-sandbox';
import {
  JetStreamService,
  bootstrapHybridService,
  decryptSecret,
  metaWebhookDeliveries,
  parseConfig,
} from '@crm/nest-common';
import { RpcTestClient, ownerDatabaseUrl, waitFor } from '@crm/testing';
import { Client } from 'pg';
import { AppModule, SERVICE_NAME } from '../app.module';
import { MetaAdsConfig } from '../config';

export const APP_SECRET = 'int-test-app-secret';
export const BREAKER_RESET_MS = 400;
export const LEADGEN_RETRY_MS = 300;

export type MetaAdsTestApp = {
  sandbox: Sandbox;
  sandboxUrl: string;
  ids: SandboxIds;
  rpc: RpcTestClient;
  db: Client;
  jetstream: JetStreamService;
  encryptionKey: Buffer;
  /** A long-lived token minted through the sandbox control API (what the gateway's code exchange yields). */
  mintToken(body?: Record<string, unknown>): Promise<string>;
  /**
   * completeOauth + selectAssets + the Page step (the sandbox's Page) for a fresh tenant. A number, a WABA and a
   * Page belong to one tenant at a time: call `releaseAll` (afterEach) so the next test can connect them again.
   */
  connectTenant(options?: { select?: boolean }): Promise<{ tenantId: string; status: ConnectionStatus }>;
  /**
   * Disconnect every tenant still holding this sandbox's WABA or Page, or connected by its Meta user (a token that
   * sees its Page): frees them for the next test, and a disconnect then revokes on Meta as the last one of the user.
   */
  releaseAll(): Promise<void>;
  /** The tenant's long-lived token, decrypted from the database with the test's key. */
  storedToken(tenantId: string): Promise<string>;
  /**
   * Make the tenant's cached insights `minutes` old (no longer fresh), once the answer just given is stored (it is
   * stored after the answer, in the background).
   */
  ageInsightsCache(tenantId: string, minutes: number): Promise<void>;
  control<T>(path: string, body?: unknown): Promise<T>;
  /** GET a Graph path on the sandbox with a bearer token, following paging. */
  graphList<T>(path: string, token: string, query: Record<string, string>): Promise<T[]>;
  /**
   * Publish a body on `webhook.meta.part` as the gateway does: parsed losslessly, one message per change (a string
   * payload is the raw body). Each call is a new delivery (as if past JetStream's duplicate window).
   */
  publishWebhook(payload: unknown): Promise<void>;
  collect<S extends EventSubject>(subject: S): Promise<EventPayload<S>[]>;
  /** The service itself (to reach a provider, e.g. a scheduler, in a test). */
  app: INestApplication;
  close(): Promise<void>;
};

export async function startMetaAdsTestApp(): Promise<MetaAdsTestApp> {
  const sandbox = createSandbox({
    // A dataset of our own (ids are a function of the seed): other suites sharing the run's database connect
    // tenants to the default dataset's number and page, which belong to one tenant at a time.
    seed: `meta-ads-int-${randomUUID()}`,
    appSecret: APP_SECRET,
    statusDelayMs: 20,
    // No gateway here: deliveries fail fast; tests read the exact bodies from `/_sandbox/webhooks`.
    webhookUrl: 'http://127.0.0.1:9/webhooks/meta',
    webhookMaxAttempts: 1,
    webhookTimeoutMs: 500,
  });
  const listening: ListeningSandbox = await sandbox.listen(0);
  const ids = idsOf(sandbox.state.dataset);
  const encryptionKey = randomBytes(32);
  const config = parseConfig(MetaAdsConfig, {
    DATABASE_URL: process.env.DATABASE_URL,
    NATS_URL: process.env.NATS_URL,
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    META_GRAPH_URL: listening.url,
    META_APP_ID: ids.appId,
    META_APP_SECRET: APP_SECRET,
    TOKEN_ENCRYPTION_KEY: encryptionKey.toString('base64'),
    META_HTTP_TIMEOUT_MS: '5000',
    META_BREAKER_RESET_MS: String(BREAKER_RESET_MS),
    LEADGEN_RETRY_MS: String(LEADGEN_RETRY_MS),
    INSIGHTS_ASYNC_POLL_MS: '20',
  });
  const app: INestApplication = await bootstrapHybridService({
    name: SERVICE_NAME,
    module: AppModule.forRoot(config),
    natsUrl: config.NATS_URL,
    queue: QueueGroups.metaAds,
    httpPort: 0,
    logLevel: config.LOG_LEVEL,
  });
  const rpc = new RpcTestClient(config.NATS_URL);
  const db = new Client({ connectionString: ownerDatabaseUrl() });
  await db.connect();
  const jetstream = new JetStreamService();
  await jetstream.connect(config.NATS_URL, 'meta-ads-int-spec');

  const control = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${listening.url}/_sandbox${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox control ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };

  const mintToken = async (body: Record<string, unknown> = {}): Promise<string> =>
    (await control<{ access_token: string }>('/tokens', body)).access_token;

  const storedToken = async (tenantId: string): Promise<string> => {
    const { rows } = await db.query<{ sealed: string }>(
      'SELECT access_token_encrypted AS sealed FROM meta_ads.connections WHERE tenant_id = $1',
      [tenantId],
    );
    return decryptSecret(rows[0].sealed, encryptionKey, tenantId);
  };

  const ageInsightsCache = async (tenantId: string, minutes: number): Promise<void> => {
    await waitFor(async () => {
      const { rowCount } = await db.query(
        `UPDATE meta_ads.insights_cache SET fetched_at = now() - make_interval(mins => $2) WHERE tenant_id = $1`,
        [tenantId, minutes],
      );
      return (rowCount ?? 0) > 0;
    });
  };

  const connectTenant = async ({ select = true } = {}) => {
    const tenantId = randomUUID();
    let status = await rpc.call(Rpc.meta.completeOauth, {
      tenantId,
      userId: randomUUID(),
      accessToken: await mintToken(),
    });
    if (select) {
      status = await rpc.call(
        Rpc.meta.selectAssets,
        {
          tenantId,
          businessId: ids.businessId,
          adAccountId: ids.adAccountId,
          wabaId: ids.wabaId,
          phoneNumberId: ids.phoneNumberIds[0],
        },
        20_000,
      );
      await rpc.call(Rpc.meta.selectPages, { tenantId, pageIds: [ids.pageId] }, 20_000);
    }
    return { tenantId, status };
  };

  const releaseAll = async (): Promise<void> => {
    const { rows } = await db.query<{ tenant_id: string }>(
      `SELECT tenant_id FROM meta_ads.connections
        WHERE state <> 'disconnected'
          AND (waba_id = $1 OR $2 = ANY(page_ids)
               OR tenant_id IN (SELECT tenant_id FROM meta_ads.pages WHERE page_id = $2))`,
      [ids.wabaId, ids.pageId],
    );
    for (const { tenant_id: tenantId } of rows) {
      await rpc.call(Rpc.meta.disconnect, { tenantId });
    }
    // A disconnected account still holds its Pages (its leads wait for a reconnect): free the sandbox's Page.
    await db.query('BEGIN');
    await db.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await db.query(`DELETE FROM meta_ads.pages WHERE page_id = $1`, [ids.pageId]);
    await db.query('COMMIT');
  };

  const graphList = async <T>(path: string, token: string, query: Record<string, string>): Promise<T[]> => {
    const items: T[] = [];
    let url: string | undefined = `${listening.url}/v23.0/${path}?${new URLSearchParams(query).toString()}`;
    while (url) {
      const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      const page = (await response.json()) as { data: T[]; paging?: { next?: string } };
      if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status} ${JSON.stringify(page)}`);
      items.push(...page.data);
      url = page.paging?.next;
    }
    return items;
  };

  const publishWebhook = async (payload: unknown): Promise<void> => {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const delivery = randomUUID();
    for (const { part, messageId } of metaWebhookDeliveries(Buffer.from(body, 'utf8'))) {
      await jetstream.publish(Webhooks.metaPart, part, `${messageId}:${delivery}`);
    }
  };

  const collect = async <S extends EventSubject>(subject: S): Promise<EventPayload<S>[]> => {
    const received: EventPayload<S>[] = [];
    await jetstream.consume({
      durable: `meta-ads-spec-${randomUUID().slice(0, 8)}`,
      subject,
      handler: async (payload) => {
        received.push(payload);
      },
    });
    return received;
  };

  return {
    sandbox,
    sandboxUrl: listening.url,
    ids,
    rpc,
    db,
    jetstream,
    encryptionKey,
    mintToken,
    connectTenant,
    releaseAll,
    storedToken,
    ageInsightsCache,
    control,
    graphList,
    publishWebhook,
    collect,
    app,
    close: async () => {
      await rpc.close();
      await jetstream.onApplicationShutdown();
      await app.close();
      await db.end();
      await listening.close();
    },
  };
}

export { waitFor };
