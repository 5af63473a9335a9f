#!/usr/bin/env node
// `npm run demo`: the whole product with demo data on a fresh clone, from any directory, as root or not.
// Installs dependencies if missing, finds or starts PostgreSQL and NATS, migrates, seeds a demo tenant,
// starts the Meta sandbox and every service, prints the URL and the logins. Ctrl-C stops everything.
// A start-up failure ends with one line saying what to do; the output of every process it starts is kept in
// .data/logs/<name>.log, and the detail of an unexpected error in .data/logs/demo-error.log.
const { spawnSync } = require('node:child_process');
const {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} = require('node:fs');
const { createHash, randomBytes } = require('node:crypto');
const { join } = require('node:path');
const { demoPorts, assertPortsFree } = require('./ports');
const { StartUpError, describeFailure, unexpectedFailureLine } = require('./start-up-error');

const ROOT = join(__dirname, '../..');
const DATA_DIR = join(ROOT, '.data');
const LOG_DIR = join(DATA_DIR, 'logs');
const log = (line) => process.stdout.write(`\x1b[1mdemo\x1b[0m | ${line}\n`);
const logFor = (name) => join(LOG_DIR, `${name}.log`);

function run(command, args, failure, env = process.env) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  if (result.status !== 0) {
    throw new StartUpError(result.error ? `${failure} (${command}: ${result.error.code})` : failure);
  }
}

function ensureDependencies() {
  if (
    existsSync(join(ROOT, 'node_modules/.package-lock.json')) &&
    existsSync(join(ROOT, 'node_modules/@nestjs/core'))
  )
    return;
  log('installing dependencies (npm install)…');
  run(
    'npm',
    ['install', '--no-audit', '--no-fund'],
    'npm install failed (its output is above): check that the npm registry is reachable, then run `npm install` and `npm run demo` again',
  );
}

/** Secrets for the local demo, generated once and kept in .data/ (git-ignored) so sessions and stored tokens survive restarts. */
function demoSecrets() {
  const file = join(DATA_DIR, 'demo-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    META_APP_ID: '1200000000000001',
    META_APP_SECRET: randomBytes(24).toString('hex'),
    META_WEBHOOK_VERIFY_TOKEN: randomBytes(16).toString('hex'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_APP_PASSWORD: randomBytes(18).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Each process's lines go to the terminal (prefixed) and to .data/logs/<name>.log (rewritten at each start). */
function serviceOutput(prefix) {
  const streams = new Map();
  return (name, line) => {
    if (!streams.has(name)) streams.set(name, createWriteStream(logFor(name)));
    streams.get(name).write(`${line}\n`);
    process.stdout.write(`${prefix(name)} ${line}\n`);
  };
}

// 'starting' → 'running' → 'stopping'. A signal while starting stops what was started so far.
let phase = 'starting';
const cleanups = [];
const abort = new AbortController();

async function stopAll(code) {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  process.exit(code);
}

function onSignal() {
  if (phase === 'stopping') {
    process.exit(130);
  }
  const wasRunning = phase === 'running';
  phase = 'stopping';
  log('stopping…');
  abort.abort();
  if (wasRunning) void stopAll(0);
  // While starting, main() notices at its next step and stops what it started.
}

/** The one line for a failure; an unexpected error's stack goes to .data/logs/demo-error.log. */
function failureLine(error) {
  const line = describeFailure(error, { logFor });
  if (line) return line;
  const file = join(LOG_DIR, 'demo-error.log');
  try {
    mkdirSync(LOG_DIR, { recursive: true });
    appendFileSync(
      file,
      `${new Date().toISOString()} ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return unexpectedFailureLine(error, file);
  } catch {
    return unexpectedFailureLine(error, null);
  }
}

async function fail(error) {
  if (phase === 'stopping') return stopAll(0);
  phase = 'stopping';
  process.stderr.write(`demo: ${failureLine(error)}\n`);
  return stopAll(1);
}

async function main() {
  const stopped = () => phase === 'stopping';
  const ports = demoPorts();
  const usesOwnPostgres = !process.env.DATABASE_URL;
  await assertPortsFree(
    ports,
    Object.keys(ports).filter((name) => name !== 'postgres' || usesOwnPostgres),
  );
  mkdirSync(LOG_DIR, { recursive: true });
  ensureDependencies();
  const { appDatabaseUrl, ensureDatabase, ensureNats, ensureRedis } = require('./infra');
  const { startStack, prefix } = require('./stack');

  if (stopped()) return stopAll(0);
  const database = await ensureDatabase({
    root: realpathSync(ROOT),
    dataDir: DATA_DIR,
    logDir: LOG_DIR,
    port: ports.postgres,
    databaseName: 'crm_ventas_demo',
    log,
  });
  cleanups.push(database.stop);
  if (stopped()) return stopAll(0);
  const nats = await ensureNats({ dataDir: DATA_DIR, logDir: LOG_DIR, log });
  cleanups.push(nats.stop);
  if (stopped()) return stopAll(0);
  const redis = await ensureRedis({ logDir: LOG_DIR, log });
  cleanups.push(redis.stop);
  if (stopped()) return stopAll(0);
  if (!existsSync(join(ROOT, 'frontend/dist/index.html'))) {
    log('building the frontend…');
    run(
      'npx',
      ['vite', 'build', 'frontend', '--logLevel', 'warn'],
      'the frontend build failed (its output is above): run `npm run build:frontend` to retry it alone',
    );
  }
  const databaseHint = database.dataDir
    ? `; to start again from an empty demo database, stop the demo and delete ${database.dataDir}`
    : ': check that DATABASE_URL points at a PostgreSQL database this user may change';
  // The services log in as the app role (row-level security); migrations and the seed as the owner.
  const secrets = demoSecrets();
  const appPassword =
    process.env.DATABASE_APP_PASSWORD ||
    secrets.DATABASE_APP_PASSWORD ||
    // .data/demo-secrets.json from before the app role: derive one instead of rewriting the file.
    createHash('sha256').update(`database-app-role:${secrets.SESSION_SECRET}`).digest('base64url');
  log('applying migrations…');
  run(
    process.execPath,
    [join(__dirname, 'migrate.js')],
    `migrations failed (their output is above)${databaseHint}`,
    { ...process.env, DATABASE_URL: database.url, DATABASE_APP_PASSWORD: appPassword },
  );
  if (stopped()) return stopAll(0);
  log('seeding the demo tenant…');
  run(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'src/demo-seed.ts')],
    `seeding the demo tenant failed (its output is above)${databaseHint}`,
    { ...process.env, DATABASE_URL: database.url },
  );
  if (stopped()) return stopAll(0);
  log('starting the Meta sandbox and the services…');
  const starting = startStack({
    databaseUrl: appDatabaseUrl(database.url, appPassword),
    natsUrl: nats.url,
    natsCredentials: nats.credentials,
    redisUrl: redis.url,
    ports,
    secrets,
    output: serviceOutput(prefix),
    signal: abort.signal,
    timeoutMs: 180_000, // first start on a busy machine: SWC compiles every service
  });
  cleanups.push(() => starting.then((stack) => stack.stop()));
  const stack = await starting;
  if (stopped()) return stopAll(0);
  phase = 'running';
  process.stdout.write(
    [
      '',
      `  CRM Ventas is running at \x1b[1m${stack.urls.gateway}\x1b[0m   (API docs: ${stack.urls.gateway}/api/docs)`,
      `  Meta sandbox: ${stack.urls.sandbox}   (control API: ${stack.urls.sandbox}/_sandbox/dataset)`,
      '  Logins (password demo1234):',
      '    ceo@demo.crmventas.test          ceo',
      '    profesional@demo.crmventas.test  professional',
      '    setter@demo.crmventas.test       setter',
      '    closer@demo.crmventas.test       closer',
      `  Logs: ${LOG_DIR}   Ctrl-C stops everything.`,
      '',
    ].join('\n') + '\n',
  );
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('uncaughtException', (error) => void fail(error));
process.on('unhandledRejection', (error) => void fail(error));
main().catch(fail);
