import type { QueryRunner } from 'typeorm';

/**
 * Row-level security: every table with a `tenant_id` shows and accepts only the rows of the tenant set for the
 * current transaction (`app.tenant_id`, set by `TenantDatabase.withTenant`), unless the transaction is an explicit
 * system one (`app.bypass_rls = on`, set by `TenantDatabase.asSystem`). The services log in as a role that is not
 * a superuser and has no BYPASSRLS, so a query that forgets its tenant filter sees nothing instead of everything.
 * Migrations keep running as the schema owner.
 */
export const DEFAULT_APP_DATABASE_ROLE = 'crm_app';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const QUALIFIED_TABLE = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

/**
 * The policy condition: the row's tenant is the transaction's tenant, or the transaction is a system one. Each
 * setting is read in a scalar subquery, so PostgreSQL evaluates it once per query (an InitPlan) instead of once per
 * row: with a bare `current_setting(...)` a 100,000-lead report ran about twice as slow.
 */
export function tenantPolicyCondition(column = 'tenant_id'): string {
  if (!IDENTIFIER.test(column)) throw new Error(`not a column name: ${column}`);
  return (
    `${column} = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)` +
    ` OR (SELECT current_setting('app.bypass_rls', true)) = 'on'`
  );
}

/** The services' login role: `DATABASE_APP_ROLE`, default `crm_app`. */
export function appDatabaseRole(env: NodeJS.ProcessEnv = process.env): string {
  const role = env.DATABASE_APP_ROLE || DEFAULT_APP_DATABASE_ROLE;
  if (!IDENTIFIER.test(role)) throw new Error('DATABASE_APP_ROLE must be a lowercase SQL identifier');
  return role;
}

/**
 * The URL the services use: the owner's URL with the app role (and `DATABASE_APP_PASSWORD`, when set) as its
 * user. Runners (tests, demo, e2e) derive it from the URL they migrate with.
 */
export function appDatabaseUrl(ownerUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = new URL(ownerUrl);
  url.username = appDatabaseRole(env);
  url.password = env.DATABASE_APP_PASSWORD ?? '';
  return url.toString();
}

/**
 * Migration step: create the services' login role (NOSUPERUSER, NOBYPASSRLS) if missing and give it the DML it
 * needs on `schema`, now and for tables created later. Roles are cluster-wide and test runs migrate databases
 * concurrently, so creation tolerates another migration creating the role at the same moment. Its password is set
 * by `runMigrations` from `DATABASE_APP_PASSWORD` (see `setAppRolePassword`).
 */
export async function grantAppRole(queryRunner: QueryRunner, schema: string): Promise<void> {
  if (!IDENTIFIER.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const role = appDatabaseRole();
  await queryRunner.query(`
    DO $$ BEGIN
      CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  await queryRunner.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
  await queryRunner.query(
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
  );
  await queryRunner.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
  await queryRunner.query(
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
  );
  await queryRunner.query(
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`,
  );
  // The migrations bookkeeping is the owner's alone.
  await queryRunner.query(`REVOKE ALL ON ${schema}.migrations FROM ${role}`);
}

/**
 * Migration step: enable and force row-level security on `table` (`schema.table`) with the tenant policy on
 * `column`. Call it from the migration that creates a new tenant table:
 * `await enableTenantRls(queryRunner, 'crm.notes')`.
 */
export async function enableTenantRls(
  queryRunner: QueryRunner,
  table: string,
  column = 'tenant_id',
): Promise<void> {
  if (!QUALIFIED_TABLE.test(table)) throw new Error(`not a schema-qualified table: ${table}`);
  const condition = tenantPolicyCondition(column);
  await queryRunner.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(
    `CREATE POLICY tenant_isolation ON ${table} USING (${condition}) WITH CHECK (${condition})`,
  );
}

/** Undo `enableTenantRls` (for a migration's `down`). */
export async function disableTenantRls(queryRunner: QueryRunner, table: string): Promise<void> {
  if (!QUALIFIED_TABLE.test(table)) throw new Error(`not a schema-qualified table: ${table}`);
  await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
  await queryRunner.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
}

/**
 * Give the app role `DATABASE_APP_PASSWORD` (when set; with trust authentication it needs none). Run by every
 * `npm run migrate`, so the password can be rotated. The password travels as a setting, never in the SQL text.
 */
export async function setAppRolePassword(
  run: (sql: string, parameters?: unknown[]) => Promise<unknown>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const password = env.DATABASE_APP_PASSWORD;
  if (!password) return;
  const role = appDatabaseRole(env);
  await run(`SELECT set_config('crm.app_role_password', $1, false)`, [password]);
  try {
    await run(`
      DO $$ BEGIN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', '${role}', current_setting('crm.app_role_password'));
      END $$`);
  } finally {
    await run(`SELECT set_config('crm.app_role_password', '', false)`);
  }
}
