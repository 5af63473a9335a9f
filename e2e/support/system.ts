import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  NATS_AUTH_CONFIG_FILE,
  REPO_ROOT,
  createFreshDatabase,
  dropDatabase,
  freePort,
  startNatsServer,
} from '@crm/testing';
import type { E2eEnvironment } from './environment';

type StackOptions = {
  databaseUrl: string;
  natsUrl: string;
  natsCredentials?: Record<string, { NATS_USER: string; NATS_PASSWORD: string }>;
  ports: Record<string, number>;
  secrets: Record<string, string>;
  logLevel?: string;
  extra?: Record<string, string>;
  timeoutMs?: number;
  output?: (name: string, line: string) => void;
};
type Stack = { urls: { gateway: string; sandbox: string }; stop: () => Promise<void> };
// The runner is plain JavaScript (it must run before dependencies are installed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStack } = require('@crm/runner/stack.js') as {
  startStack: (o: StackOptions) => Promise<Stack>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { natsUsers } = require('@crm/runner/nats-users.js') as {
  natsUsers: () => {
    serverEnv: Record<string, string>;
    credentials: Record<string, { NATS_USER: string; NATS_PASSWORD: string }>;
  };
};

/**
 * The whole system for the browser test, run as its own process (`node -r @swc-node/register`) by the Playwright
 * global setup: a fresh database (migrated and seeded with the demo tenant), a private nats-server with JetStream,
 * the Meta sandbox and every service as real processes on free ports. It writes tmp/e2e-environment.json when
 * ready and tears everything down (database included) on SIGTERM.
 */
async function main(): Promise<void> {
  mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
  const logFile = join(REPO_ROOT, 'tmp/e2e-services.log');
  writeFileSync(logFile, '');
  /** Every process's output goes to one file, one line each, prefixed with its name: the log scan reads it. */
  const log = (name: string, line: string) => appendFileSync(logFile, `${name} | ${line}\n`);
  const database = await createFreshDatabase('crm_e2e');
  // NATS with a user per service, as `npm run demo` and compose run it: a subject missing from a service's
  // permissions (libs/contracts/src/service-subjects.ts) fails the walk.
  const users = natsUsers();
  const nats = await startNatsServer({
    configFile: NATS_AUTH_CONFIG_FILE,
    env: users.serverEnv,
    output: (line) => log('nats-server', line),
  });
  const seed = spawnSync(
    process.execPath,
    ['-r', '@swc-node/register', join(REPO_ROOT, 'tools/runner/src/demo-seed.ts')],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: database.url },
      encoding: 'utf8',
    },
  );
  for (const line of `${seed.stdout}${seed.stderr}`.split('\n')) if (line) log('seed', line);
  if (seed.status !== 0) throw new Error(`demo seed failed:\n${seed.stdout}\n${seed.stderr}`);
  await openSendWindowAllDay(database.url);
  const secrets = {
    META_APP_ID: '1200000000000001',
    META_APP_SECRET: randomBytes(24).toString('hex'),
    META_WEBHOOK_VERIFY_TOKEN: randomBytes(16).toString('hex'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const ports = {
    gateway: await freePort(),
    'crm-service': await freePort(),
    'meta-ads-service': await freePort(),
    'marketing-service': await freePort(),
    'automation-service': await freePort(),
    sandbox: await freePort(),
  };
  const stack = await startStack({
    // The services log in as the app role (row-level security); the seed and the test's checks use the owner.
    databaseUrl: database.appUrl,
    natsUrl: nats.url,
    natsCredentials: users.credentials,
    ports,
    secrets,
    // What production runs at ('log', Nest's info level): the log scan (e2e/tests/log-scan.e2e.ts) must read what
    // an operator's log would hold.
    logLevel: 'log',
    // A busy machine (shared cores, a cold SWC cache) can take well over the runner's default minute; the global
    // setup still gives up after three.
    timeoutMs: 150_000,
    // Statuses 1.2 s apart (Meta's are seconds apart): the HSM walk checks the live log shows each one as it happens,
    // and 400 ms let two of them land between two renders on a loaded machine.
    extra: {
      SANDBOX_STATUS_DELAY_MS: '1200',
      SCHEDULER_POLL_MS: '300',
      ENFORCE_DEFAULT_SEND_WINDOW: 'false',
    },
    output: log,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    await nats.stop();
    if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(database.name);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  const environment: E2eEnvironment = {
    gatewayUrl: stack.urls.gateway,
    sandboxUrl: stack.urls.sandbox,
    databaseUrl: database.url,
    appSecret: secrets.META_APP_SECRET,
    secrets: secretsOfRun(secrets, users.serverEnv, [database.url, database.appUrl]),
    logFile,
  };
  writeFileSync(join(REPO_ROOT, 'tmp/e2e-environment.json'), JSON.stringify(environment));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `e2e system failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});

/** The run's secrets by name: the services' (not the public app id), NATS passwords and any database password. */
function secretsOfRun(
  services: Record<string, string>,
  natsServerEnv: Record<string, string>,
  databaseUrls: string[],
): Record<string, string> {
  const { META_APP_ID: _public, ...secret } = services;
  const passwords = databaseUrls
    .map((url, index) => [`DATABASE_PASSWORD_${index}`, decodeURIComponent(new URL(url).password)] as const)
    .filter(([, password]) => password !== '');
  return { ...secret, ...natsServerEnv, ...Object.fromEntries(passwords) };
}

/**
 * The walks check that a send goes out seconds after its trigger, at whatever hour CI runs: the demo tenant's send
 * window (default Mon–Sat 09:00–20:00 in the recipient's timezone, else deferred to the next opening) is made the
 * whole day, every day. The window itself is proven by automation-service's integration tests.
 */
async function openSendWindowAllDay(ownerUrl: string): Promise<void> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM crm.tenants');
    for (const { id } of rows) {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [id]);
      await client.query(
        `INSERT INTO automation.protection_settings (tenant_id, send_window) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET send_window = EXCLUDED.send_window`,
        [id, JSON.stringify({ days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '00:00' })],
      );
      await client.query('COMMIT');
    }
  } finally {
    await client.end();
  }
}
