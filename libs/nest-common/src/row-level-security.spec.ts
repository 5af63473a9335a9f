import type { QueryRunner } from 'typeorm';
import { appDatabaseRole, appDatabaseUrl, enableTenantRls, grantAppRole } from './row-level-security';

function recordingRunner(): { runner: QueryRunner; sql: string[] } {
  const sql: string[] = [];
  const runner = {
    query: async (text: string) => {
      sql.push(text.replace(/\s+/g, ' ').trim());
      return [];
    },
  } as unknown as QueryRunner;
  return { runner, sql };
}

describe('row-level security helpers', () => {
  it('derives the services URL from the owner URL with the app role and its password', () => {
    expect(appDatabaseUrl('postgres://postgres:pw@db:5432/crm', {})).toBe('postgres://crm_app@db:5432/crm');
    expect(
      appDatabaseUrl('postgres://postgres@db/crm', {
        DATABASE_APP_ROLE: 'crm_svc',
        DATABASE_APP_PASSWORD: 's3 cr/t',
      }),
    ).toBe('postgres://crm_svc:s3%20cr%2Ft@db/crm');
  });

  it('refuses a role name that is not a plain identifier', () => {
    expect(() => appDatabaseRole({ DATABASE_APP_ROLE: 'crm_app; DROP ROLE postgres' })).toThrow(
      /DATABASE_APP_ROLE/,
    );
  });

  it('enables and forces RLS with one policy that checks reads and writes', async () => {
    const { runner, sql } = recordingRunner();
    await enableTenantRls(runner, 'crm.notes');
    expect(sql[0]).toBe('ALTER TABLE crm.notes ENABLE ROW LEVEL SECURITY');
    expect(sql[1]).toBe('ALTER TABLE crm.notes FORCE ROW LEVEL SECURITY');
    expect(sql[2]).toMatch(/^CREATE POLICY tenant_isolation ON crm\.notes USING \((.+)\) WITH CHECK \(\1\)$/);
    expect(sql[2]).toContain(`tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)`);
    expect(sql[2]).toContain(`(SELECT current_setting('app.bypass_rls', true)) = 'on'`);
  });

  it('refuses table names that are not schema-qualified identifiers', async () => {
    const { runner, sql } = recordingRunner();
    await expect(enableTenantRls(runner, 'notes')).rejects.toThrow(/schema-qualified/);
    await expect(enableTenantRls(runner, 'crm.notes; --')).rejects.toThrow(/schema-qualified/);
    expect(sql).toEqual([]);
  });

  it('creates the role race-safely, without superuser or BYPASSRLS, and grants only DML', async () => {
    const { runner, sql } = recordingRunner();
    await grantAppRole(runner, 'crm');
    expect(sql[0]).toMatch(/CREATE ROLE crm_app LOGIN NOSUPERUSER NOBYPASSRLS/);
    expect(sql[0]).toMatch(/EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL/);
    expect(sql).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm TO crm_app');
    expect(sql).toContain('REVOKE ALL ON crm.migrations FROM crm_app');
    expect(sql.some((s) => /GRANT (ALL|CREATE)|TRUNCATE/.test(s))).toBe(false);
  });
});
