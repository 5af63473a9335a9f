import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  QueueGroups,
  type RuleConditions,
  type RuleTrigger,
  type SendState,
  type TemplateVariableSource,
} from '@crm/contracts';
import { createSandbox, idsOf, type ListeningSandbox, type SandboxIds } from '@crm/meta-sandbox';
import { JetStreamService, bootstrapHybridService } from '@crm/nest-common';
import {
  RpcTestClient,
  freePort,
  ownerDatabaseUrl,
  startServiceProcess,
  type ServiceHandle,
} from '@crm/testing';
import { DataSource } from 'typeorm';
import { createAppModule } from '../app.module';
import { SERVICE_NAME } from '../config';
import { dataSourceOptions } from '../database/data-source';
import { startWebhookBridge, type WebhookBridge } from './webhook-bridge';

/** automation-service booted in-process against the run's database and nats-server, plus clients to talk to it. */
export type AutomationTestApp = {
  app: INestApplication;
  rpc: RpcTestClient;
  /** The test's own JetStream connection (publishes the events the service consumes). */
  jetstream: JetStreamService;
  /** The database as its owner (every tenant's rows): fixtures and independent checks in SQL. */
  db: DataSource;
  close: () => Promise<void>;
};

export type AutomationTestAppOptions = {
  pollMs?: number;
  enforceDefaultSendWindow?: boolean;
  claimLeaseMs?: number;
  pauseRecheckMs?: number;
};

export async function startAutomationTestApp(
  options: AutomationTestAppOptions = {},
): Promise<AutomationTestApp> {
  const natsUrl = process.env.NATS_URL!;
  const app = await bootstrapHybridService({
    name: SERVICE_NAME,
    module: createAppModule({
      DATABASE_URL: process.env.DATABASE_URL!,
      NATS_URL: natsUrl,
      SCHEDULER_POLL_MS: options.pollMs ?? 100,
      // Tests run at any hour: only tests of the send window turn the default window on.
      ENFORCE_DEFAULT_SEND_WINDOW: options.enforceDefaultSendWindow ?? false,
      SEND_CLAIM_LEASE_MS: options.claimLeaseMs,
      SEND_PAUSE_RECHECK_MS: options.pauseRecheckMs,
    }),
    natsUrl,
    queue: QueueGroups.automation,
    httpPort: 0,
    logLevel: 'error',
  });
  const rpc = new RpcTestClient(natsUrl);
  const jetstream = new JetStreamService();
  await jetstream.connect(natsUrl, `automation-test-${randomUUID().slice(0, 8)}`);
  const db = await openAutomationDataSource();
  return {
    app,
    rpc,
    jetstream,
    db,
    close: async () => {
      await rpc.close();
      await jetstream.onApplicationShutdown();
      await app.close();
      await db.destroy();
    },
  };
}

/** A message as the sandbox's control API lists it (`GET /_sandbox/messages`). */
export type SandboxMessage = {
  wamid: string;
  to: string;
  type: string;
  text?: string;
  template?: { name: string; language: string; category: string; params: string[] };
  bizOpaqueCallbackData?: string;
  statuses: { status: string; at: string; delivered: boolean | null }[];
};

/**
 * automation-service in process with the real crm-service and meta-ads-service as child processes, the Meta sandbox
 * in process and a webhook bridge playing the gateway's webhook hop (sandbox → JetStream). The tenant and its
 * connection are the suite's to make.
 */
export type AutomationStack = {
  svc: AutomationTestApp;
  sandbox: ListeningSandbox;
  ids: SandboxIds;
  bridge: WebhookBridge;
  crm: ServiceHandle;
  meta: ServiceHandle;
  /** The sandbox's control API (`/_sandbox<path>`): GET without a body, POST with one. */
  control<T>(path: string, body?: unknown): Promise<T>;
  /** Messages the sandbox accepted for this phone (E.164 or digits). */
  messagesTo(phone: string): Promise<SandboxMessage[]>;
  /** Stops everything this started (disconnect the suite's tenants first: a number belongs to one tenant). */
  close(): Promise<void>;
};

export async function startAutomationStack(options: {
  appSecret: string;
  app?: AutomationTestAppOptions;
  /** The sandbox's delay between a message and each of its status webhooks (default 50 ms). */
  statusDelayMs?: number;
  /** Extra environment for meta-ads-service. */
  metaEnv?: Record<string, string>;
}): Promise<AutomationStack> {
  const svc = await startAutomationTestApp({ pollMs: 200, ...options.app });
  const bridge = await startWebhookBridge(svc.jetstream);
  const created = createSandbox({
    appSecret: options.appSecret,
    statusDelayMs: options.statusDelayMs ?? 50,
    webhookUrl: bridge.url,
  });
  const sandbox = await created.listen(0);
  const ids = idsOf(created.state.dataset);
  const common = {
    DATABASE_URL: process.env.DATABASE_URL!,
    NATS_URL: process.env.NATS_URL!,
    LOG_LEVEL: 'warn',
  };
  // Generous start-up time: the machine is shared with other suites.
  const [crm, meta] = await Promise.all([
    startServiceProcess(
      'crm-service',
      { ...common, HTTP_PORT: String(await freePort()) },
      { timeoutMs: 90_000 },
    ),
    startServiceProcess(
      'meta-ads-service',
      {
        ...common,
        HTTP_PORT: String(await freePort()),
        META_GRAPH_URL: sandbox.url,
        META_APP_ID: ids.appId,
        META_APP_SECRET: options.appSecret,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ...options.metaEnv,
      },
      { timeoutMs: 90_000 },
    ),
  ]);
  const control = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    svc,
    sandbox,
    ids,
    bridge,
    crm,
    meta,
    control,
    messagesTo: async (phone) =>
      (await control<{ data: SandboxMessage[] }>(`/messages?to=${encodeURIComponent(phone)}`)).data,
    close: async () => {
      await svc.close();
      await Promise.all([crm.stop(), meta.stop()]);
      await sandbox.close();
      await bridge.close();
    },
  };
}

/**
 * A DataSource of the automation schema that belongs to no app: as the owner by default (fixtures), or with the
 * services' URL (`process.env.DATABASE_URL`, the app role under row-level security) to play another replica.
 */
export async function openAutomationDataSource(url = ownerDatabaseUrl()): Promise<DataSource> {
  return new DataSource(dataSourceOptions(url)).initialize();
}

type SqlRunner = { query(sql: string, parameters?: unknown[]): Promise<unknown> };

/** Save a rule row directly (as if a CEO had enabled it earlier), without the template check. */
export async function saveRule(
  db: SqlRunner,
  tenantId: string,
  rule: {
    key?: string;
    enabled: boolean;
    trigger?: RuleTrigger;
    delaySeconds?: number;
    conditions?: RuleConditions;
    templateName?: string;
    templateLanguage?: string;
    variableMapping?: TemplateVariableSource[];
    name?: string;
    freeFormText?: string | null;
  },
): Promise<void> {
  const key = rule.key ?? 'lead_followup';
  const builtInTriggers: Record<string, RuleTrigger> = {
    lead_followup: { type: 'lead.created' },
    opportunity_reminder: { type: 'opportunity.deadline' },
    post_sale_feedback: { type: 'sale.completed' },
  };
  const body = rule.variableMapping ?? ['lead.first_name', 'seller.name', 'tenant.name'];
  await db.query(
    `INSERT INTO automation.rules
       (tenant_id, key, enabled, delay_seconds, template_name, template_language, variable_mapping, mapping, trigger,
        conditions, name, free_form_text)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12)
     ON CONFLICT (tenant_id, key) DO UPDATE SET enabled = EXCLUDED.enabled, delay_seconds = EXCLUDED.delay_seconds,
       template_name = EXCLUDED.template_name, template_language = EXCLUDED.template_language,
       variable_mapping = EXCLUDED.variable_mapping, mapping = EXCLUDED.mapping, trigger = EXCLUDED.trigger,
       conditions = EXCLUDED.conditions, name = EXCLUDED.name, free_form_text = EXCLUDED.free_form_text`,
    [
      tenantId,
      key,
      rule.enabled,
      rule.delaySeconds ?? 86400,
      rule.templateName ?? 'seguimiento_lead',
      rule.templateLanguage ?? 'es',
      JSON.stringify(body),
      JSON.stringify({ header: [], body, buttons: [] }),
      JSON.stringify(rule.trigger ?? builtInTriggers[key] ?? { type: 'lead.created' }),
      JSON.stringify(rule.conditions ?? {}),
      rule.name ?? null,
      rule.freeFormText ?? null,
    ],
  );
}

/** Insert a send row directly (fixture), with its first history row. Returns its id. */
export async function insertSend(
  db: SqlRunner,
  send: {
    tenantId: string;
    leadId?: string;
    status: SendState;
    dueAt?: Date;
    wamid?: string | null;
    phone?: string;
    sentAt?: Date | null;
    manual?: boolean;
    updatedAt?: Date;
  },
): Promise<string> {
  const rows = (await db.query(
    `INSERT INTO automation.sends
       (tenant_id, rule_key, lead_id, phone, lead_name, template_name, template_language, status, manual, due_at,
        wamid, sent_at, updated_at)
     VALUES ($1, 'lead_followup', $2, $3, 'Ana López', 'seguimiento_lead', 'es', $4, $5, $6, $7, $8, $9)
     RETURNING id`,
    [
      send.tenantId,
      send.leadId ?? randomUUID(),
      send.phone ?? randomPhone(),
      send.status,
      send.manual ?? false,
      send.dueAt ?? new Date(),
      send.wamid ?? null,
      send.sentAt ?? null,
      send.updatedAt ?? new Date(),
    ],
  )) as { id: string }[];
  await db.query(
    `INSERT INTO automation.send_events (send_id, tenant_id, status, detail) VALUES ($1, $2, $3, 'fixture')`,
    [rows[0].id, send.tenantId, send.status],
  );
  return rows[0].id;
}

export type SendRowView = {
  id: string;
  status: SendState;
  attempts: number;
  wamid: string | null;
  error: { code: string; message: string } | null;
  due_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  replied_at: Date | null;
  failed_at: Date | null;
};

export async function sendRow(db: SqlRunner, tenantId: string, id: string): Promise<SendRowView> {
  const rows = (await db.query(`SELECT * FROM automation.sends WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ])) as SendRowView[];
  return rows[0];
}

export async function historyOf(
  db: SqlRunner,
  tenantId: string,
  id: string,
): Promise<{ status: SendState; detail: string | null; at: Date }[]> {
  return (await db.query(
    `SELECT status, detail, at FROM automation.send_events WHERE tenant_id = $1 AND send_id = $2 ORDER BY id`,
    [tenantId, id],
  )) as { status: SendState; detail: string | null; at: Date }[];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Any E.164 Mexican mobile, unique enough across test runs. */
/** A random Mexican mobile that never ends in 0000 (the sandbox's "not on WhatsApp" numbers: their sends fail). */
export function randomPhone(): string {
  return `+52155${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}${1 + Math.floor(Math.random() * 9)}`;
}

export function randomWamid(): string {
  return `wamid.TEST${randomUUID().replace(/-/g, '')}`;
}
