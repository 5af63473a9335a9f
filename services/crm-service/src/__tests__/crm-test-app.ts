import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import {
  QueueGroups,
  Rpc,
  Webhooks,
  type ActorRequest,
  type EventPayload,
  type EventSubject,
  type LeadWithPhone,
  type Role,
} from '@crm/contracts';
import { JetStreamService, bootstrapHybridService } from '@crm/nest-common';
import { RpcTestClient, ownerDatabaseUrl } from '@crm/testing';
import { DataSource } from 'typeorm';
import { createAppModule } from '../app.module';
import { SERVICE_NAME } from '../config';
import { createUser, provisionTenant } from '../tenancy/provisioning';

/** crm-service booted in-process against the run's database and nats-server, plus clients to talk to it. */
export type CrmTestApp = {
  app: INestApplication;
  rpc: RpcTestClient;
  /** The test's own JetStream connection (publish inbound events, consume what the service emits). */
  jetstream: JetStreamService;
  /** The database as its owner (every tenant's rows): fixtures and independent checks in SQL. */
  db: DataSource;
  baseUrl: string;
  close: () => Promise<void>;
};

export async function startCrmTestApp(): Promise<CrmTestApp> {
  const natsUrl = process.env.NATS_URL!;
  const app = await bootstrapHybridService({
    name: SERVICE_NAME,
    module: createAppModule({ DATABASE_URL: process.env.DATABASE_URL!, NATS_URL: natsUrl }),
    natsUrl,
    queue: QueueGroups.crm,
    httpPort: 0,
    logLevel: 'warn',
  });
  const rpc = new RpcTestClient(natsUrl);
  const jetstream = new JetStreamService();
  await jetstream.connect(natsUrl, `crm-test-${randomUUID().slice(0, 8)}`);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const db = await new DataSource({ type: 'postgres', url: ownerDatabaseUrl() }).initialize();
  return {
    app,
    rpc,
    jetstream,
    db,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await rpc.close();
      await jetstream.onApplicationShutdown();
      await app.close();
      await db.destroy();
    },
  };
}

export type TestTenant = { tenantId: string; users: Record<Role, { id: string; email: string }> };

export const TEST_PASSWORD = 'secreto-123';

/** A fresh tenant (random id) with one user per role; emails are unique per call. */
export async function createTestTenant(db: DataSource, name = 'Tenant de prueba'): Promise<TestTenant> {
  const tenantId = await provisionTenant(db, { name, currency: 'MXN', timezone: 'America/Mexico_City' });
  const tag = tenantId.slice(0, 8);
  const users = {} as TestTenant['users'];
  for (const role of ['ceo', 'professional', 'setter', 'closer'] as const) {
    const email = `${role}-${tag}@test.crmventas.test`;
    const id = await createUser(db, {
      tenantId,
      email,
      name: `${role} ${tag}`,
      role,
      password: TEST_PASSWORD,
    });
    users[role] = { id, email };
  }
  return { tenantId, users };
}

/** Collects events of one subject for one tenant through a durable of the test's own. */
export async function collectEvents<S extends Exclude<EventSubject, typeof Webhooks.metaPart>>(
  jetstream: JetStreamService,
  subject: S,
  tenantId: string,
): Promise<EventPayload<S>[]> {
  const received: EventPayload<S>[] = [];
  await jetstream.consume({
    durable: `crm-test-${randomUUID()}`,
    subject,
    // Only what is published from now on: other suites may have left tens of thousands of events on the stream.
    from: 'new',
    handler: async (event) => {
      if (event.tenantId === tenantId) received.push(event);
    },
  });
  return received;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Any E.164 Mexican mobile, unique enough across test runs. */
/** A random Mexican mobile that never ends in 0000 (the sandbox's "not on WhatsApp" numbers: their sends fail). */
export function randomPhone(): string {
  return `+52155${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}${1 + Math.floor(Math.random() * 9)}`;
}

/** The acting user of an RPC that applies role visibility, as the gateway fills it from the session. */
export function actorOf(t: TestTenant, role: Role): ActorRequest {
  return { tenantId: t.tenantId, actorUserId: t.users[role].id, actorRole: role };
}

/**
 * A manual lead of the tenant assigned to the user of `assignedTo`. Unassigned leads would go to the setters'
 * round-robin, so a lead nobody names is the ceo's own.
 */
export function createLeadFor(
  crm: CrmTestApp,
  t: TestTenant,
  assignedTo: Role = 'ceo',
): Promise<LeadWithPhone> {
  return crm.rpc.call(Rpc.crm.createLead, {
    tenantId: t.tenantId,
    name: `Lead ${randomUUID().slice(0, 6)}`,
    phone: randomPhone(),
    leadSource: 'MANUAL',
    assignedUserId: t.users[assignedTo].id,
  });
}

/** GET without keep-alive, so no socket outlives the test. */
export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}
