#!/usr/bin/env node
// Applies every service's migrations, in dependency order, to DATABASE_URL (one schema per service).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const SERVICES = ['crm-service', 'meta-ads-service', 'marketing-service', 'automation-service'];

function migrateAll(env = process.env) {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
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
