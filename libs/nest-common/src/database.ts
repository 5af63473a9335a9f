import { createHash } from 'node:crypto';
import { Global, Injectable, Logger, Module } from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import { Counter } from 'prom-client';
import {
  DataSource,
  type DataSourceOptions,
  type EntityManager,
  type EntitySchema,
  type MixedList,
} from 'typeorm';
import { metricsRegistry } from './metrics';
import { setAppRolePassword } from './row-level-security';

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
    // Every run, so a changed DATABASE_APP_PASSWORD takes effect (the migrations create the role).
    const runner = dataSource.createQueryRunner();
    try {
      await setAppRolePassword((sql, parameters) => runner.query(sql, parameters));
    } finally {
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const statementNames = new Map<string, string>();

/** A name per statement text: node-postgres prepares a named statement once per connection. */
export function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `crm_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** The part of node-postgres' client that `preparedQuery` uses. */
type PgClient = {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
};

/**
 * `db.query` as a named prepared statement: PostgreSQL parses and plans it once per connection, not on every call
 * (for the statements of the send path, run thousands of times a minute, planning was half of PostgreSQL's work).
 * Rows come back as `db.query` returns a SELECT's (write with a CTE or RETURNING to get any).
 * Only inside `withTenant` / `asSystem` (elsewhere it is a plain `db.query`), and only for a statement with a fixed
 * text (one name each, kept for the process's life) that names its output columns: a prepared `*` whose columns
 * change under it (a migration adding one) fails until its connection closes.
 */
export async function preparedQuery<T>(
  db: EntityManager,
  sql: string,
  parameters: readonly unknown[],
): Promise<T[]> {
  const runner = db.queryRunner;
  if (!runner?.isTransactionActive) return db.query(sql, [...parameters]) as Promise<T[]>;
  const client = (await runner.connect()) as PgClient;
  const result = await client.query({ name: statementName(sql), text: sql, values: parameters });
  return result.rows as T[];
}

export const systemQueries = new Counter({
  name: 'crm_system_queries_total',
  help: 'Transactions that bypassed tenant row-level security (TenantDatabase.asSystem), by reason',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/**
 * The only way services reach their tables. Each call is one transaction whose settings row-level security reads
 * (see row-level-security.ts): `withTenant` sees and writes only that tenant's rows; `asSystem` is the named,
 * logged and counted exception for work that must span tenants (claiming due work, routing a webhook to its
 * tenant, login by email). Do not hold a transaction open across a call to Meta or NATS: open one per step.
 */
@Injectable()
export class TenantDatabase {
  private readonly logger = new Logger('TenantDatabase');

  constructor(private readonly dataSource: DataSource) {}

  /** Run `fn` in a transaction scoped to `tenantId` (SET LOCAL app.tenant_id). */
  withTenant<T>(tenantId: string, fn: (db: EntityManager) => Promise<T>): Promise<T> {
    if (!UUID.test(tenantId)) return Promise.reject(new DomainError('VALIDATION', 'tenantId must be a UUID'));
    return this.dataSource.transaction(async (db) => {
      await preparedQuery(db, `SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return fn(db);
    });
  }

  /** Run `fn` in a transaction that sees every tenant. `reason` names the use (logged at debug, counted). */
  asSystem<T>(reason: string, fn: (db: EntityManager) => Promise<T>): Promise<T> {
    this.logger.debug(`system transaction: ${reason}`);
    systemQueries.inc({ reason });
    return this.dataSource.transaction(async (db) => {
      await db.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
      return fn(db);
    });
  }
}

/** Provides `TenantDatabase` to every module of a service (import once, next to `TypeOrmModule.forRoot`). */
@Global()
@Module({ providers: [TenantDatabase], exports: [TenantDatabase] })
export class TenantDatabaseModule {}
