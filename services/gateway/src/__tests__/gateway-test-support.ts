import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@crm/contracts';
import { parseConfig } from '@crm/nest-common';
import { freePort, ownerDatabaseUrl, startServiceProcess, type ServiceHandle } from '@crm/testing';
import { hash } from 'bcryptjs';
import { Client } from 'pg';
import { GatewayConfig } from '../config';
import { startGateway } from '../gateway-app';

export const TEST_PASSWORD = 'clave-de-prueba-1';
export const VERIFY_TOKEN = 'int-test-verify-token';
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
    META_APP_SECRET: 'int-test-app-secret',
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
export async function startCrmService(): Promise<ServiceHandle> {
  return startServiceProcess('crm-service', {
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: process.env.DATABASE_URL!,
    NATS_URL: process.env.NATS_URL!,
    LOG_LEVEL: 'warn',
  });
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
