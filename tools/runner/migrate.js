#!/usr/bin/env node
// Applies every service's migrations, in dependency order, to MIGRATION_DATABASE_URL (the schema owner; else
// DATABASE_URL), one schema per service. The migrations also create the services' login role (DATABASE_APP_ROLE).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const SERVICES = ['crm-service', 'meta-ads-service', 'marketing-service', 'automation-service'];

function migrateAll(env = process.env) {
  if (!env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
    throw new Error('MIGRATION_DATABASE_URL (or DATABASE_URL) is not set');
  }
  for (const service of SERVICES) {
    const script = join(ROOT, 'services', service, 'src/migrate.ts');
    if (!existsSync(script)) continue;
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', script], {
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
    migrateAll();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
