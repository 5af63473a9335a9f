#!/usr/bin/env node
// `npm run demo`: the whole product with demo data on a fresh clone.
// Installs dependencies if missing, finds or starts PostgreSQL and NATS, migrates, seeds a demo tenant,
// starts the Meta sandbox and every service, prints the URL and the logins. Ctrl-C stops everything.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { createHash, randomBytes } = require('node:crypto');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const DATA_DIR = join(ROOT, '.data');
const log = (line) => process.stdout.write(`\x1b[1mdemo\x1b[0m | ${line}\n`);

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

function ensureDependencies() {
  if (
    existsSync(join(ROOT, 'node_modules/.package-lock.json')) &&
    existsSync(join(ROOT, 'node_modules/@nestjs/core'))
  )
    return;
  log('installing dependencies (npm install)…');
  run('npm', ['install', '--no-audit', '--no-fund']);
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

async function main() {
  mkdirSync(DATA_DIR, { recursive: true });
  ensureDependencies();
  const { appDatabaseUrl, ensureDatabase, ensureNats } = require('./infra');
  const { startStack, defaultPorts } = require('./stack');
  const cleanups = [];
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));

  try {
    const database = await ensureDatabase({ dataDir: DATA_DIR, databaseName: 'crm_ventas_demo', log });
    cleanups.push(database.stop);
    const nats = await ensureNats({ dataDir: DATA_DIR, log });
    cleanups.push(nats.stop);
    if (!existsSync(join(ROOT, 'frontend/dist/index.html'))) {
      log('building the frontend…');
      run('npx', ['vite', 'build', 'frontend', '--logLevel', 'warn']);
    }
    // The services log in as the app role (row-level security); migrations and the seed as the owner.
    const secrets = demoSecrets();
    const appPassword =
      process.env.DATABASE_APP_PASSWORD ||
      secrets.DATABASE_APP_PASSWORD ||
      // .data/demo-secrets.json from before the app role: derive one instead of rewriting the file.
      createHash('sha256').update(`database-app-role:${secrets.SESSION_SECRET}`).digest('base64url');
    log('applying migrations…');
    run(process.execPath, [join(__dirname, 'migrate.js')], {
      ...process.env,
      DATABASE_URL: database.url,
      DATABASE_APP_PASSWORD: appPassword,
    });
    log('seeding the demo tenant…');
    run(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'src/demo-seed.ts')], {
      ...process.env,
      DATABASE_URL: database.url,
    });
    log('starting the Meta sandbox and the services…');
    const stack = await startStack({
      databaseUrl: appDatabaseUrl(database.url, appPassword),
      natsUrl: nats.url,
      ports: defaultPorts(),
      secrets,
    });
    cleanups.push(stack.stop);
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
        '  Ctrl-C stops everything.',
        '',
      ].join('\n') + '\n',
    );
  } catch (error) {
    process.stderr.write(`demo: ${error.message}\n`);
    await shutdown(1);
  }
}

main();
