import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@crm/contracts';
import { parseConfig } from '@crm/nest-common';
// Tests only: the Meta sandbox is a tool, never a runtime dependency of the gateway.
import {
  createSandbox,
  idsOf,
  type ListeningSandbox,
  type Sandbox,
  type SandboxIds,
  type SandboxOptions,
} from '@crm/meta-sandbox';
import {
  RpcTestClient,
  freePort,
  ownerDatabaseUrl,
  startCrmServiceProcess,
  startMarketingServiceProcess,
  startMetaAdsServiceProcess,
  type ServiceHandle,
} from '@crm/testing';
import { hash } from 'bcryptjs';
import { Client } from 'pg';
import request from 'supertest';
import { GatewayConfig } from '../config';
import { startGateway } from '../gateway-app';

export const TEST_PASSWORD = 'clave-de-prueba-1';
export const VERIFY_TOKEN = 'int-test-verify-token';
/** The Meta app secret the test gateway, meta-ads-service and the sandbox share. */
export const APP_SECRET = 'int-test-app-secret';
export const ROLES: readonly Role[] = ['ceo', 'professional', 'setter', 'closer'];

export type TestGateway = {
  app: INestApplication;
  config: GatewayConfig;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  server: ReturnType<INestApplication['getHttpServer']>;
  close: () => Promise<void>;
};

/** A gateway booted in-process (hybrid app) against the run's nats-server. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const port = await freePort();
  const config = parseConfig(GatewayConfig, {
    NATS_URL: process.env.NATS_URL!,
    HTTP_PORT: String(port),
    LOG_LEVEL: 'warn',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
    META_APP_ID: '1200000000000001',
    META_APP_SECRET: APP_SECRET,
    META_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    COOKIE_SECURE: 'false',
    FRONTEND_DIST: '/nonexistent/frontend/dist',
    ...env,
  });
  const app = await startGateway(config);
  const server = app.getHttpServer();
  const actual = (server.address() as AddressInfo).port;
  return {
    app,
    config,
    server,
    baseUrl: `http://127.0.0.1:${actual}`,
    close: () => app.close(),
  };
}

/** crm-service as a real process on the run's database and NATS. */
export const startCrmService = (): Promise<ServiceHandle> => startCrmServiceProcess();

/** marketing-service as a real process on the run's database and NATS. */
export const startMarketingService = (): Promise<ServiceHandle> => startMarketingServiceProcess();

/** meta-ads-service as a real process, its Graph API at `graphUrl` (the sandbox) as app `appId` with {@link APP_SECRET}. */
export const startMetaAdsService = (
  graphUrl: string,
  appId: string,
  env: Record<string, string> = {},
): Promise<ServiceHandle> => startMetaAdsServiceProcess({ graphUrl, appId, appSecret: APP_SECRET }, env);

/** What a suite starts besides the gateway: real services and the Meta sandbox, the database and an RPC client. */
export type MetaStack = {
  /** the sandbox itself: its state (issued tokens, sent messages…) */
  sandbox: Sandbox;
  /** where it listens */
  listening: ListeningSandbox;
  ids: SandboxIds;
  gateway: TestGateway;
  /** crm-service, meta-ads-service and, when asked for, marketing-service */
  services: ServiceHandle[];
  metaAds: ServiceHandle;
  db: Client;
  rpc: RpcTestClient;
  /** Close everything (for `afterAll`). */
  stop: () => Promise<void>;
};

/**
 * A Meta sandbox with a dataset of the suite's own (seeded `<suite>-<uuid>`: its Page, number and WABA belong to no
 * other suite's tenant; webhooks go nowhere, once), crm-service, meta-ads-service (and marketing-service with
 * `marketing`) as real processes, an in-process gateway, the owner database and an RPC client. No tenant is
 * seeded or connected. If anything fails to start, what did start is stopped before the error is thrown.
 */
export async function startMetaStack(
  suite: string,
  options: {
    marketing?: boolean;
    metaAdsEnv?: Record<string, string>;
    gatewayEnv?: Record<string, string>;
    sandbox?: SandboxOptions;
  } = {},
): Promise<MetaStack> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of [...stops].reverse()) await stop();
  };
  try {
    const db = await connectDatabase();
    stops.push(() => db.end());
    const sandbox = createSandbox({
      seed: `${suite}-${randomUUID()}`,
      appSecret: APP_SECRET,
      webhookUrl: 'http://127.0.0.1:9/webhooks/meta',
      webhookMaxAttempts: 1,
      ...options.sandbox,
    });
    const ids = idsOf(sandbox.state.dataset);
    const listening = await sandbox.listen(0);
    stops.push(() => listening.close());
    const [gatewayStart, ...serviceStarts] = await Promise.allSettled([
      startTestGateway(options.gatewayEnv),
      startCrmService(),
      startMetaAdsService(listening.url, ids.appId, options.metaAdsEnv),
      ...(options.marketing ? [startMarketingService()] : []),
    ]);
    const services = serviceStarts.flatMap((s) =>
      s.status === 'fulfilled' ? [s.value as ServiceHandle] : [],
    );
    stops.push(() => Promise.allSettled(services.map((s) => s.stop())));
    if (gatewayStart.status === 'fulfilled') stops.push(() => (gatewayStart.value as TestGateway).close());
    for (const start of [gatewayStart, ...serviceStarts]) if (start.status === 'rejected') throw start.reason;
    const gateway = (gatewayStart as PromiseFulfilledResult<TestGateway>).value;
    const rpc = new RpcTestClient(process.env.NATS_URL!);
    stops.push(() => rpc.close());
    const metaAds = services.find((s) => s.name === 'meta-ads-service')!;
    return { sandbox, listening, ids, gateway, services, metaAds, db, rpc, stop: stopAll };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

export type Agent = ReturnType<typeof request.agent>;

/** A supertest agent holding `user`'s session (logged in with {@link TEST_PASSWORD}). */
export async function loginAgent(gateway: TestGateway, user: { email: string }): Promise<Agent> {
  const agent = request.agent(gateway.server);
  await agent.post('/crm/auth/login').send({ email: user.email, password: TEST_PASSWORD }).expect(200);
  return agent;
}

/** The database as its owner: fixtures and checks across tenants. */
export async function connectDatabase(): Promise<Client> {
  const client = new Client({ connectionString: ownerDatabaseUrl() });
  await client.connect();
  return client;
}

export type SeededTenant = {
  tenantId: string;
  name: string;
  users: Record<Role, { id: string; email: string }>;
};

/** A tenant (its pipeline included) with one user per role, written straight into the `crm` schema. */
export async function seedTenant(db: Client, name: string): Promise<SeededTenant> {
  const tenantId = randomUUID();
  const tag = tenantId.slice(0, 8);
  await db.query(
    `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, 'MXN', 'America/Mexico_City')`,
    [tenantId, name],
  );
  const stages = [
    'nuevo',
    'contactado',
    'calificado',
    'llamada_agendada',
    'negociacion',
    'cerrado_ganado',
    'cerrado_perdido',
  ];
  for (const [position, key] of stages.entries()) {
    await db.query(
      `INSERT INTO crm.pipeline_stages (tenant_id, key, position, label) VALUES ($1, $2, $3, $4)`,
      [tenantId, key, position + 1, key],
    );
  }
  const passwordHash = await hash(TEST_PASSWORD, 4);
  const users = {} as SeededTenant['users'];
  for (const role of ROLES) {
    const id = randomUUID();
    const email = `${role}-${tag}@gateway.test`;
    await db.query(
      `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, tenantId, email, `${role} ${tag}`, role, passwordHash],
    );
    users[role] = { id, email };
  }
  return { tenantId, name, users };
}

export async function seedLead(db: Client, tenantId: string, name: string): Promise<string> {
  const id = randomUUID();
  const phone = `+52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  await db.query(
    `INSERT INTO crm.leads (id, tenant_id, name, phone, lead_source) VALUES ($1, $2, $3, $4, 'MANUAL')`,
    [id, tenantId, name, phone],
  );
  return id;
}

/** The `name=value` of a Set-Cookie header list, or undefined. */
export function cookieFrom(setCookie: string[] | string | undefined, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.find((c) => c.startsWith(`${name}=`));
}
