// Finds or starts what the system needs underneath: PostgreSQL, NATS with JetStream and Redis.
const { spawn, spawnSync } = require('node:child_process');
const { closeSync, existsSync, mkdirSync, openSync } = require('node:fs');
const net = require('node:net');
const { join } = require('node:path');
const { startLocalPostgres } = require('./local-postgres');
const { NATS_AUTH_CONFIG, natsUsers } = require('./nats-users');
const { StartUpError } = require('./start-up-error');

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
 * NATS_URL if set; else a NATS already on 127.0.0.1:4222; else start `nats-server -js -c
 * infra/nats/nats-server-auth.conf` (one user per service, fresh passwords) from PATH (or /usr/sbin) with its store
 * under dataDir and its output in logDir/nats.log. Returns { url, credentials, stop }: `credentials[service]` is its
 * NATS_USER/NATS_PASSWORD, null for a NATS this did not start (the services then warn that it has no auth).
 */
async function ensureNats({ dataDir, logDir, log }) {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, credentials: null, stop: async () => {} };
  if (await canConnect(4222))
    return { url: 'nats://127.0.0.1:4222', credentials: null, stop: async () => {} };
  const binary =
    which('nats-server') ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : null);
  if (!binary) {
    throw new StartUpError(
      'NATS is not running and nats-server is not installed: `apt-get install nats-server` (or set NATS_URL)',
    );
  }
  const store = join(dataDir, 'nats');
  mkdirSync(store, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'nats.log');
  const output = openSync(logFile, 'a');
  // The config sets max_payload (8 MB) so Meta's largest webhook bodies fit, and the per-service users.
  const { serverEnv, credentials } = natsUsers();
  const args = ['-c', NATS_AUTH_CONFIG, '-a', '127.0.0.1', '-p', '4222', '-js', '-sd', store];
  const child = spawn(binary, args, {
    env: { ...process.env, ...serverEnv },
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  child.once('error', () => undefined); // reported below: it never listens
  for (let i = 0; i < 50 && child.exitCode === null && !(await canConnect(4222)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await canConnect(4222))) {
    child.kill('SIGTERM');
    throw new StartUpError(`nats-server did not start on 127.0.0.1:4222: its log is ${logFile}`);
  }
  log(`started nats-server (JetStream, a user per service, store ${store}, log ${logFile})`);
  return {
    url: 'nats://127.0.0.1:4222',
    credentials,
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}

/**
 * DATABASE_URL if set; else the demo's own PostgreSQL (see local-postgres.js for where its binaries and data
 * live) on `port`. Returns { url, dataDir, stop } (dataDir is null with DATABASE_URL).
 */
async function ensureDatabase({ root, dataDir, logDir, port, databaseName, log }) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, dataDir: null, stop: async () => {} };
  return startLocalPostgres({ root, dataDir, logDir, port, databaseName, log });
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

/**
 * REDIS_URL if set; else a Redis already on 127.0.0.1:6379; else start `redis-server` from PATH (or /usr/bin) on 6379
 * without persistence (it holds only send-pacing counters and short dedupe keys). Returns { url, stop }.
 */
async function ensureRedis({ logDir, log }) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  if (await canConnect(6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => {} };
  const binary =
    which('redis-server') ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null);
  if (!binary) {
    throw new StartUpError(
      'Redis is not running and redis-server is not installed: `apt-get install redis-server` (or set REDIS_URL)',
    );
  }
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'redis.log');
  const out = openSync(logFile, 'a');
  const args = ['--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'];
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  closeSync(out);
  for (let i = 0; i < 50 && child.exitCode === null && !(await canConnect(6379)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!(await canConnect(6379))) {
    child.kill('SIGTERM');
    throw new StartUpError(`redis-server did not start on 127.0.0.1:6379: its log is ${logFile}`);
  }
  log(`started redis-server (no persistence, log ${logFile})`);
  return {
    url: 'redis://127.0.0.1:6379',
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}

module.exports = { appDatabaseUrl, canConnect, ensureNats, ensureDatabase, ensureRedis, which };
