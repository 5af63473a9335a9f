// The production build: `npm run build:services` compiles the services to plain JavaScript under dist/, and the
// gateway and crm-service start from it with plain `node` (no SWC hook, NODE_OPTIONS cleared), answer /health, and
// serve a request that crosses NATS and PostgreSQL — decorator metadata (NestJS DI, class-validator, TypeORM
// entities) survives compilation.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  REPO_ROOT,
  adminDatabaseUrl,
  dropDatabase,
  freePort,
  startServiceProcess,
  type ServiceHandle,
} from '@crm/testing';

const NO_HOOKS = { NODE_OPTIONS: '', LOG_LEVEL: 'warn' };

describe('production build (dist/, no compiler at start)', () => {
  let crm: ServiceHandle | undefined;
  let gateway: ServiceHandle | undefined;
  let gatewayUrl = '';

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'tools/runner/build-services.js')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`build:services failed:\n${build.stdout}\n${build.stderr}`);
    crm = await startServiceProcess(
      'crm-service',
      {
        ...NO_HOOKS,
        HTTP_PORT: String(await freePort()),
        DATABASE_URL: process.env.DATABASE_URL!,
        NATS_URL: process.env.NATS_URL!,
      },
      { compiled: true },
    );
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    gateway = await startServiceProcess(
      'gateway',
      {
        ...NO_HOOKS,
        HTTP_PORT: String(port),
        NATS_URL: process.env.NATS_URL!,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
        META_APP_ID: '1200000000000001',
        META_APP_SECRET: 'int-test-app-secret',
        META_WEBHOOK_VERIFY_TOKEN: 'int-test-verify-token',
        PUBLIC_URL: gatewayUrl,
        COOKIE_SECURE: 'true',
        FRONTEND_DIST: '/nonexistent/frontend/dist',
      },
      { compiled: true },
    );
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await crm?.stop();
  });

  it('compiles each service to dist/services/<service>/main.js with its production manifest and lockfile', () => {
    for (const service of [
      'gateway',
      'crm-service',
      'meta-ads-service',
      'marketing-service',
      'automation-service',
    ]) {
      expect(existsSync(join(REPO_ROOT, 'dist/services', service, 'main.js'))).toBe(true);
      expect(existsSync(join(REPO_ROOT, 'dist/manifests', `${service}.package-lock.json`))).toBe(true);
      const manifest = JSON.parse(
        readFileSync(join(REPO_ROOT, 'dist/manifests', `${service}.package.json`), 'utf8'),
      ) as { dependencies: Record<string, string>; devDependencies?: unknown };
      expect(manifest.devDependencies).toBeUndefined();
      expect(Object.keys(manifest.dependencies)).toEqual(
        expect.arrayContaining(['@nestjs/core', '@nestjs/platform-express', 'reflect-metadata']),
      );
      expect(Object.keys(manifest.dependencies).some((name) => name.startsWith('@swc'))).toBe(false);
    }
  });

  it('starts crm-service and the gateway from dist and both answer /health 200', async () => {
    for (const handle of [crm!, gateway!]) {
      expect(handle.child.spawnargs.slice(1)).toEqual([
        join(REPO_ROOT, 'dist/services', handle.name, 'main.js'),
      ]);
    }
    const health = await fetch(`${gatewayUrl}/health`);
    expect(health.status).toBe(200);
  });

  it('serves a signup and a login through the gateway, NATS and crm-service (validation and DI intact)', async () => {
    const email = `dist-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'Clave-Segura-2025!';
    const signup = await fetch(`${gatewayUrl}/crm/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ companyName: 'Inmobiliaria Dist', name: 'Ana Dist', email, password }),
    });
    expect(signup.status).toBe(201);
    expect(await signup.json()).toMatchObject({ email, role: 'ceo', tenantName: 'Inmobiliaria Dist' });
    // COOKIE_SECURE=true (the production default): the session cookie is Secure.
    expect(signup.headers.get('set-cookie')).toMatch(/crm_session=.*Secure/i);

    const wrong = await fetch(`${gatewayUrl}/crm/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);

    const invalid = await fetch(`${gatewayUrl}/crm/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'not-an-email', password: '' }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { code: string }).code).toBe('VALIDATION');
  });

  it('runs every migration from dist with `migrate.js --compiled` (the migration image has no compiler)', async () => {
    const name = `crm_dist_${Date.now().toString(36)}_${process.pid}`;
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    try {
      const url = new URL(adminDatabaseUrl());
      url.pathname = `/${name}`;
      const migrate = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'tools/runner/migrate.js'), '--compiled'],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          env: { ...process.env, ...NO_HOOKS, MIGRATION_DATABASE_URL: url.toString() },
        },
      );
      expect(migrate.stderr).toBe('');
      expect(migrate.status).toBe(0);
      const db = new Client({ connectionString: url.toString() });
      await db.connect();
      const { rows } = await db.query<{ schema_name: string }>(
        `SELECT schema_name FROM information_schema.schemata
          WHERE schema_name IN ('crm', 'meta_ads', 'marketing', 'automation') ORDER BY schema_name`,
      );
      await db.end();
      expect(rows.map((row) => row.schema_name)).toEqual(['automation', 'crm', 'marketing', 'meta_ads']);
    } finally {
      await dropDatabase(name);
    }
  }, 60_000);
});
