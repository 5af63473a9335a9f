import { randomBytes, randomUUID } from 'node:crypto';
import { Rpc } from '@crm/contracts';
import {
  createSandbox,
  idsOf,
  type ListeningSandbox,
  type Sandbox,
  type SandboxIds,
} from '@crm/meta-sandbox';
import { JetStreamService } from '@crm/nest-common';
import {
  RpcTestClient,
  connectTenantToSandbox,
  freePort,
  startRoundRobinFront,
  startServiceProcess,
  waitFor,
  type RoundRobinFront,
  type ServiceHandle,
} from '@crm/testing';
import { Client } from 'pg';
import { randomPhone } from './automation-test-app';
import { startWebhookBridge } from './webhook-bridge';

/** The services a cluster can run, in start order. */
export const CLUSTER_SERVICES = [
  'crm-service',
  'meta-ads-service',
  'marketing-service',
  'automation-service',
  'gateway',
] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

/**
 * Test and bench support (issues 7 and 9): the system as real processes — by default one crm-service and the
 * replicas asked for of meta-ads-service and automation-service; with `replicas` any number of each service, the
 * gateway and marketing-service included — against an in-process Meta sandbox. Without a gateway the sandbox's signed
 * webhooks are bridged to JetStream as the gateway does; with gateways they go through a round-robin front (a load
 * balancer) to the gateways' `POST /webhooks/meta`. One tenant, connected to the sandbox's number, with
 * `lead_followup` on. Replicas can be killed with SIGKILL (`kill -9`) and restarted on their port; the sandbox's
 * message log is the ground truth.
 */
export type HsmClusterOptions = {
  /** The services' DATABASE_URL (app role) and the owner's URL (fixtures, assertions). */
  databaseUrl: string;
  ownerUrl: string;
  natsUrl: string;
  /** Replicas per service (default: crm-service 1, meta-ads-service 1, automation-service 1, the others 0). */
  replicas: Partial<Record<ClusterService, number>>;
  /** Messages per second per number, for meta-ads-service's pacing and the sandbox's 130429. */
  mps?: number;
  /** How long a claimed send stays a replica's before its request begins (automation-service). */
  claimLeaseMs?: number;
  statusDelayMs?: number;
  /** automation-service's SEND_CONCURRENCY (default here 32). */
  concurrency?: number;
  /** meta-ads-service's WHATSAPP_UNKNOWN_HORIZON_MS (default here 60 s). */
  unknownHorizonMs?: number;
  /** meta-ads-service's WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS (default here 500 ms). */
  evidenceGraceMs?: number;
  /** meta-ads-service's META_HTTP_TIMEOUT_MS (default here 3 s): bounds a request its killed replica left behind. */
  metaHttpTimeoutMs?: number;
  logLevel?: string;
  /** Sandbox webhook delivery: tries, first retry delay, longest delay (default 5, 1000 ms, none: the sandbox's). */
  webhookMaxAttempts?: number;
  webhookRetryBaseMs?: number;
  webhookRetryMaxMs?: number;
  /** How long a replica may take to answer /health (default 30 s; a busy machine starting ten needs more). */
  startTimeoutMs?: number;
};

export type HsmCluster = {
  sandbox: Sandbox;
  /** The sandbox's base URL (Graph and its `/_sandbox` control API). */
  sandboxUrl: string;
  ids: SandboxIds;
  tenantId: string;
  rpc: RpcTestClient;
  owner: Client;
  /** Each service's live handles (a restart replaces its entry). */
  replicas: Record<ClusterService, ServiceHandle[]>;
  /** `replicas['automation-service']` and `replicas['meta-ads-service']`. */
  automation: ServiceHandle[];
  meta: ServiceHandle[];
  /** Where the sandbox posts webhooks: the front before the gateways, or the bridge. */
  webhookUrl: string;
  /** The front before the gateways (only with gateways). */
  front?: RoundRobinFront;
  /** Start another automation-service replica (e.g. after one was killed). */
  addAutomationReplica(): Promise<ServiceHandle>;
  /** Start the replica at `index` of `service` again, on its port and with its settings (after a kill). */
  restart(service: ClusterService, index: number): Promise<ServiceHandle>;
  /** Create leads through crm-service (their follow-ups are scheduled for tomorrow); returns their phones. */
  createLeads(
    count: number,
    concurrency?: number,
  ): Promise<{ id: string; phone: string; createdAt: string }[]>;
  /**
   * Seed `count` leads straight into crm-service's table and one scheduled follow-up each (as the owner, one
   * statement each): the fast way to have thousands of sends waiting. Returns the leads' phones.
   */
  seedScheduledSends(count: number): Promise<{ id: string; phone: string }[]>;
  /** Wait until this many sends are scheduled for the tenant. */
  waitScheduled(count: number, timeoutMs?: number): Promise<void>;
  /** Make every scheduled send of the tenant due now, in one statement. Returns how many. */
  makeAllDue(): Promise<number>;
  /** Messages the sandbox accepted, per recipient (E.164 without `+`). */
  messageCounts(): Map<string, number>;
  /** The tenant's sends by status. */
  sendStates(): Promise<Record<string, number>>;
  /** SIGKILL a replica: no shutdown hook runs. */
  kill(handle: ServiceHandle): void;
  setRuleDelay(seconds: number): Promise<void>;
  close(): Promise<void>;
};

const APP_SECRET = 'hsm-cluster-app-secret';

export async function startHsmCluster(options: HsmClusterOptions): Promise<HsmCluster> {
  const logLevel = options.logLevel ?? 'warn';
  const mps = options.mps ?? 80;
  const counts: Record<ClusterService, number> = {
    'crm-service': 1,
    'meta-ads-service': 1,
    'marketing-service': 0,
    'automation-service': 1,
    gateway: 0,
    ...options.replicas,
  };
  // Every replica keeps its port across restarts: the front's list of gateways never changes.
  const ports = Object.fromEntries(
    await Promise.all(
      CLUSTER_SERVICES.map(async (service) => {
        const list: number[] = [];
        for (let i = 0; i < counts[service]; i++) list.push(await freePort());
        return [service, list] as const;
      }),
    ),
  ) as Record<ClusterService, number[]>;
  const jetstream = new JetStreamService();
  await jetstream.connect(options.natsUrl, `hsm-cluster-${randomUUID().slice(0, 8)}`);
  const front = counts.gateway > 0 ? await startRoundRobinFront(() => ports.gateway) : undefined;
  const bridge = front ? undefined : await startWebhookBridge(jetstream);
  const webhookUrl = front ? `${front.url}/webhooks/meta` : bridge!.url;
  const sandbox = createSandbox({
    seed: `hsm-cluster-${randomUUID()}`,
    appSecret: APP_SECRET,
    statusDelayMs: options.statusDelayMs ?? 200,
    webhookUrl,
    whatsappMps: mps,
    webhookMaxAttempts: options.webhookMaxAttempts,
    webhookRetryBaseMs: options.webhookRetryBaseMs,
    webhookRetryMaxMs: options.webhookRetryMaxMs,
  });
  const listening: ListeningSandbox = await sandbox.listen(0);
  const ids = idsOf(sandbox.state.dataset);
  const owner = new Client({ connectionString: options.ownerUrl });
  await owner.connect();
  const rpc = new RpcTestClient(options.natsUrl);
  const common = {
    DATABASE_URL: options.databaseUrl,
    NATS_URL: options.natsUrl,
    LOG_LEVEL: logLevel,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const encryptionKey = randomBytes(32).toString('base64');
  const environments: Record<ClusterService, Record<string, string>> = {
    'crm-service': common,
    'marketing-service': common,
    'meta-ads-service': {
      ...common,
      META_GRAPH_URL: listening.url,
      META_APP_ID: ids.appId,
      META_APP_SECRET: APP_SECRET,
      TOKEN_ENCRYPTION_KEY: encryptionKey,
      WHATSAPP_MPS: String(mps),
      // A replica killed between beginning a request and Meta receiving it leaves a send no webhook will ever
      // settle: reconciliation takes it as not sent once a later message from the number is reported (the other
      // replica keeps sending), its request having ended at the latest when its call would have timed out.
      META_HTTP_TIMEOUT_MS: String(options.metaHttpTimeoutMs ?? 3000),
      WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS: String(options.evidenceGraceMs ?? 500),
      WHATSAPP_UNKNOWN_HORIZON_MS: String(options.unknownHorizonMs ?? 60_000),
    },
    'automation-service': {
      ...common,
      SCHEDULER_POLL_MS: '200',
      // The cluster runs at any hour: no default send window (its deferral is tested in recipient-protection).
      ENFORCE_DEFAULT_SEND_WINDOW: 'false',
      SEND_CLAIM_LEASE_MS: String(options.claimLeaseMs ?? 5000),
      SEND_CONCURRENCY: String(options.concurrency ?? 32),
    },
    gateway: {
      NATS_URL: options.natsUrl,
      REDIS_URL: common.REDIS_URL,
      LOG_LEVEL: logLevel,
      META_APP_ID: ids.appId,
      META_APP_SECRET: APP_SECRET,
      META_GRAPH_URL: listening.url,
      META_WEBHOOK_VERIFY_TOKEN: randomBytes(16).toString('hex'),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
      COOKIE_SECURE: 'false',
      FRONTEND_DIST: '/nonexistent/frontend/dist',
    },
  };
  const start = (service: ClusterService, port: number) =>
    startServiceProcess(
      service,
      {
        ...environments[service],
        HTTP_PORT: String(port),
        ...(service === 'gateway' ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
      },
      { timeoutMs: options.startTimeoutMs },
    );
  const replicas = {} as Record<ClusterService, ServiceHandle[]>;
  for (const service of CLUSTER_SERVICES) {
    replicas[service] = await Promise.all(ports[service].map((port) => start(service, port)));
  }
  const automation = replicas['automation-service'];
  const meta = replicas['meta-ads-service'];

  const tenantId = randomUUID();
  await owner.query(`INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, 'MXN', $3)`, [
    tenantId,
    'Inmobiliaria Carga',
    'America/Mexico_City',
  ]);
  await connectTenantToSandbox(rpc, listening.url, tenantId, ids);
  const setRule = async (delaySeconds: number) => {
    await owner.query(
      `INSERT INTO automation.rules
         (tenant_id, key, enabled, delay_seconds, template_name, template_language, variable_mapping, mapping)
       VALUES ($1, 'lead_followup', true, $2, 'seguimiento_lead', 'es', $3::jsonb,
               jsonb_build_object('header', '[]'::jsonb, 'body', $3::jsonb, 'buttons', '[]'::jsonb))
       ON CONFLICT (tenant_id, key) DO UPDATE SET enabled = true, delay_seconds = EXCLUDED.delay_seconds`,
      [tenantId, delaySeconds, JSON.stringify(['lead.first_name', 'seller.name', 'tenant.name'])],
    );
  };
  await setRule(86_400);

  const cluster: HsmCluster = {
    sandbox,
    sandboxUrl: listening.url,
    ids,
    tenantId,
    rpc,
    owner,
    replicas,
    automation,
    meta,
    webhookUrl,
    front,
    async addAutomationReplica() {
      const port = await freePort();
      ports['automation-service'].push(port);
      const handle = await start('automation-service', port);
      automation.push(handle);
      return handle;
    },
    async restart(service, index) {
      const handle = await start(service, ports[service][index]);
      replicas[service][index] = handle;
      return handle;
    },
    async createLeads(count, concurrency = 16) {
      const leads: { id: string; phone: string; createdAt: string }[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) {
            const i = next++;
            const lead = await rpc.call(
              Rpc.crm.createLead,
              { tenantId, name: `Carga ${i}`, phone: randomPhone(), leadSource: 'META_ADS' },
              30_000,
            );
            leads.push({ id: lead.id, phone: lead.phone, createdAt: lead.createdAt });
          }
        }),
      );
      return leads;
    },
    async seedScheduledSends(count) {
      const prefix = String(Math.floor(Math.random() * 90) + 10);
      const { rows } = await owner.query<{ id: string; phone: string }>(
        `INSERT INTO crm.leads (tenant_id, name, phone, status, lead_source)
         SELECT $1, 'Carga ' || g, '+521' || $3 || lpad(g::text, 8, '0'), 'nuevo', 'META_ADS'
           FROM generate_series(1, $2::int) g
         RETURNING id, phone`,
        [tenantId, count, prefix],
      );
      await owner.query(
        `WITH inserted AS (
           INSERT INTO automation.sends
             (tenant_id, rule_key, lead_id, phone, lead_name, template_name, template_language, status, manual, due_at)
           SELECT $1, 'lead_followup', l.id, l.phone, l.name, 'seguimiento_lead', 'es', 'scheduled', false,
                  now() + interval '1 day'
             FROM crm.leads l WHERE l.tenant_id = $1 AND l.id = ANY($2::uuid[])
           RETURNING id, tenant_id, status
         )
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
         SELECT id, tenant_id, status, 'seeded' FROM inserted`,
        [tenantId, rows.map((r) => r.id)],
      );
      return rows;
    },
    async waitScheduled(count, timeoutMs = 300_000) {
      await waitFor(
        async () => {
          const { rows } = await owner.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM automation.sends WHERE tenant_id = $1`,
            [tenantId],
          );
          return rows[0].n >= count;
        },
        { what: `${count} scheduled sends`, timeoutMs, intervalMs: 500 },
      );
    },
    async makeAllDue() {
      const result = await owner.query(
        `UPDATE automation.sends SET due_at = now() WHERE tenant_id = $1 AND status = 'scheduled'`,
        [tenantId],
      );
      return result.rowCount ?? 0;
    },
    messageCounts() {
      const counts = new Map<string, number>();
      for (const message of sandbox.state.messages) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
      return counts;
    },
    async sendStates() {
      const { rows } = await owner.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM automation.sends WHERE tenant_id = $1 GROUP BY status`,
        [tenantId],
      );
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
    kill(handle) {
      handle.child.kill('SIGKILL');
    },
    setRuleDelay: setRule,
    async close() {
      await rpc.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
      const all = [...CLUSTER_SERVICES].reverse().flatMap((service) => replicas[service]);
      await Promise.all(all.map((h) => h.stop().catch(() => undefined)));
      await rpc.close();
      await jetstream.onApplicationShutdown();
      await listening.close();
      await bridge?.close();
      await front?.close();
      await owner.end();
    },
  };
  return cluster;
}
