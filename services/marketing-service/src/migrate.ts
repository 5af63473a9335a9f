import 'reflect-metadata';
import { runMigrations } from '@crm/nest-common';
import { dataSourceOptions } from './database/data-source';

/** `npm run migrate` (tools/runner/migrate.js) runs this for the `marketing` schema. */
async function main(): Promise<void> {
  // Migrations run as the schema owner; the services log in as the app role (DATABASE_URL).
  const url = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) throw new Error('MIGRATION_DATABASE_URL (or DATABASE_URL) is not set');
  await runMigrations(dataSourceOptions(url), (line) => console.log(`marketing-service: ${line}`));
}

main().catch((error: unknown) => {
  console.error(
    `marketing-service: migrations failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
