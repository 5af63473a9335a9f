import 'reflect-metadata';
import { runMigrations } from '@crm/nest-common';
import { dataSourceOptions } from './database/data-source';

/** `npm run migrate` (tools/runner/migrate.js) runs this for the `automation` schema. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  await runMigrations(dataSourceOptions(url), (line) => console.log(`automation-service: ${line}`));
}

main().catch((error: unknown) => {
  console.error(
    `automation-service: migrations failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
