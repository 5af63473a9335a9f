import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** Settings every nats-server we start loads (`max_payload` large enough for Meta's webhook bodies). */
export const NATS_CONFIG_FILE = join(REPO_ROOT, 'infra/nats/nats-server.conf');
/** The same plus one user per service (infra/nats/users.conf); needs each `NATS_PASSWORD_<SERVICE>` in `env`. */
export const NATS_AUTH_CONFIG_FILE = join(REPO_ROOT, 'infra/nats/nats-server-auth.conf');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 15_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Admin connection for creating throwaway databases (trust auth on the machine's PostgreSQL). */
export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * The URL the services log in with: the owner's URL with the app role (`DATABASE_APP_ROLE`, default `crm_app`,
 * created by the migrations; not a superuser, no BYPASSRLS) as its user, so tests see row-level security.
 */
export function appDatabaseUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = process.env.DATABASE_APP_ROLE || 'crm_app';
  url.password = process.env.DATABASE_APP_PASSWORD ?? '';
  return url.toString();
}

export type FreshDatabase = {
  name: string;
  /** The owner's URL (migrations, test setup and assertions across tenants). */
  url: string;
  /** The app role's URL: what the services under test use as DATABASE_URL. */
  appUrl: string;
};

/** Create an empty database with a unique name and apply every service's migrations to it. */
export async function createFreshDatabase(prefix = 'crm_test'): Promise<FreshDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${process.pid}`;
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'tools/runner/migrate.js')], {
    env: { ...process.env, DATABASE_URL: url.toString(), MIGRATION_DATABASE_URL: url.toString() },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`migrations failed:\n${result.stdout}\n${result.stderr}`);
  return { url: url.toString(), appUrl: appDatabaseUrl(url.toString()), name };
}

/**
 * In an integration test: the owner's URL of the run's database, for setup and assertions that must see every
 * tenant's rows (the services under test get the app role's URL as DATABASE_URL).
 */
export function ownerDatabaseUrl(): string {
  const url = process.env.MIGRATION_DATABASE_URL;
  if (!url) throw new Error('MIGRATION_DATABASE_URL is not set (libs/testing global setup sets it)');
  return url;
}

export type RunDataSources = {
  /** The owner: setup and assertions across tenants. */
  owner: DataSource;
  /** The app role, under row-level security: what the code under test is given. */
  app: DataSource;
  close: () => Promise<void>;
};

/** In an integration test: TypeORM data sources on the run's database as its owner and as the app role. */
export async function openRunDataSources(): Promise<RunDataSources> {
  const ownerUrl = ownerDatabaseUrl();
  const owner = await new DataSource({ type: 'postgres', url: ownerUrl }).initialize();
  const app = await new DataSource({ type: 'postgres', url: appDatabaseUrl(ownerUrl) }).initialize();
  return {
    owner,
    app,
    close: async () => {
      await app.destroy();
      await owner.destroy();
    },
  };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export type NatsServerHandle = { url: string; stop: () => Promise<void> };

type NatsServerOptions = {
  configFile?: string | null;
  env?: Record<string, string>;
  /** Receives each line nats-server logs (it is otherwise kept only to explain a failed start). */
  output?: (line: string) => void;
};

/** Starts tried before giving up: a port taken between `freePort` and the spawn makes nats-server exit at once. */
const NATS_START_ATTEMPTS = 3;
/** Lines of nats-server's output kept to explain a failed start. */
const NATS_LOG_TAIL = 40;

/** nats-server exited before it accepted connections (with its last lines of output). */
class NatsServerExited extends Error {}

/**
 * A private nats-server with JetStream on a free port and a throwaway store: no test run sees another's streams.
 * It loads `NATS_CONFIG_FILE` unless `configFile` is null (NATS' own defaults, e.g. a 1 MB max_payload). When it
 * exits before accepting (another process took the port), it is started again on a new port; a failure says what
 * nats-server printed.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startNatsServerOnce(options);
    } catch (error) {
      if (!(error instanceof NatsServerExited) || attempt === NATS_START_ATTEMPTS) throw error;
    }
  }
}

async function startNatsServerOnce({
  configFile = NATS_CONFIG_FILE,
  env,
  output,
}: NatsServerOptions): Promise<NatsServerHandle> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'crm-nats-'));
  const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
  const args = [...(configFile ? ['-c', configFile] : []), '-a', '127.0.0.1', '-p', String(port)];
  args.push('-js', '-sd', storeDir);
  const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > NATS_LOG_TAIL) tail.shift();
      output?.(line);
    });
  }
  const explain = (what: string) => `${what}; its last output:\n${tail.join('\n') || '(none)'}`;
  let exited: string | null = null;
  child.once('error', (error) => (exited ??= `nats-server did not start: ${error.message}`));
  // `close`, not `exit`: its output has been read by then.
  child.once(
    'close',
    (code, signal) => (exited ??= `nats-server on ${port} exited (${signal ?? code}) before accepting`),
  );
  const cleanUp = async () => {
    if (child.pid !== undefined) await stopChild(child);
    rmSync(storeDir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => exited !== null || canConnect(port), {
      what: `nats-server on ${port}`,
      timeoutMs: 20_000,
    });
  } catch (error) {
    await cleanUp();
    throw new Error(explain(error instanceof Error ? error.message : String(error)));
  }
  if (exited !== null) {
    await cleanUp();
    throw new NatsServerExited(explain(exited));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: cleanUp,
  };
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((r) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      r(true);
    });
    socket.once('error', () => r(false));
  });
}

export async function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export type ServiceHandle = {
  name: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
};

/**
 * Run one of our services as a real process (`services/<name>/src/main.ts`), exactly as the demo does,
 * and wait for its `/health` to answer 200. `compiled: true` runs the production build instead
 * (`dist/services/<name>/main.js` from `npm run build:services`) with plain `node`: no compiler loaded.
 */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
  options: { script?: string; healthUrl?: string; timeoutMs?: number; compiled?: boolean } = {},
): Promise<ServiceHandle> {
  const script =
    options.script ??
    (options.compiled
      ? join(REPO_ROOT, 'dist/services', name, 'main.js')
      : join(REPO_ROOT, 'services', name, 'src/main.ts'));
  let output = '';
  const nodeArgs = options.compiled ? [script] : ['-r', '@swc-node/register', script];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const healthUrl = options.healthUrl ?? `http://127.0.0.1:${env.HTTP_PORT}/health`;
  // A process that exits while starting fails at once, with its output, instead of after the timeout.
  let onExit: (() => void) | undefined;
  const exited = new Promise<never>((_, reject) => {
    onExit = () => reject(new Error(`${name} exited with ${child.exitCode} while starting`));
    child.once('exit', onExit);
  });
  try {
    await Promise.race([
      exited,
      waitFor(
        async () => {
          const response = await fetch(healthUrl).catch(() => undefined);
          return response?.status === 200;
        },
        { timeoutMs: options.timeoutMs ?? 30_000, what: `${name} health`, intervalMs: 200 },
      ),
    ]);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${String(error)}\n--- ${name} output ---\n${output}`);
  } finally {
    if (onExit) child.off('exit', onExit);
  }
  return { name, child, output: () => output, stop: () => stopChild(child) };
}
