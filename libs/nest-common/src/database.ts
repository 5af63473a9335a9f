import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

type EntityList = MixedList<string | (new () => unknown) | EntitySchema>;
type MigrationList = MixedList<string | (new () => unknown)>;

/**
 * TypeORM options for a service that owns one schema: migrations only (`synchronize` off), the
 * migrations table inside the schema, every timestamp `timestamptz` by convention in the entities.
 */
export function schemaDataSourceOptions(options: {
  url: string;
  schema: string;
  entities: EntityList;
  migrations: MigrationList;
  applicationName: string;
}): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName: options.applicationName,
    extra: { max: 10 },
  };
}

/** Apply pending migrations (the first migration of each service creates its schema). */
export async function runMigrations(
  options: DataSourceOptions,
  log: (line: string) => void = console.log,
): Promise<void> {
  const schema = (options as { schema?: string }).schema;
  const bootstrap = new DataSource({ ...options, entities: [], migrations: [] });
  await bootstrap.initialize();
  try {
    if (schema) await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await bootstrap.destroy();
  }
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    log(`${schema ?? 'database'}: ${applied.length} migration(s) applied`);
  } finally {
    await dataSource.destroy();
  }
}
