#!/usr/bin/env node
// Applies every service's migrations, in dependency order, to MIGRATION_DATABASE_URL (the schema owner; else
// DATABASE_URL), one schema per service. The migrations also create the services' login role (DATABASE_APP_ROLE).
// `--compiled` runs the production build instead (dist/services/<service>/migrate.js, `npm run build:services`) with
// plain node: the migration image has no compiler.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const SERVICES = ['crm-service', 'meta-ads-service', 'marketing-service', 'automation-service'];

function migrateAll(env = process.env, { compiled = false } = {}) {
  if (!env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
    throw new Error('MIGRATION_DATABASE_URL (or DATABASE_URL) is not set');
  }
  for (const service of SERVICES) {
    const script = compiled
      ? join(ROOT, 'dist/services', service, 'migrate.js')
      : join(ROOT, 'services', service, 'src/migrate.ts');
    if (!existsSync(script)) {
      if (compiled) throw new Error(`${script} is missing: run npm run build:services first`);
      continue;
    }
    const args = compiled ? [script] : ['-r', '@swc-node/register', script];
    const result = spawnSync(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error(`${service}: migrations failed`);
  }
}

module.exports = { migrateAll, SERVICES };

if (require.main === module) {
  try {
    migrateAll(process.env, { compiled: process.argv.includes('--compiled') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
