import { randomUUID } from 'node:crypto';
import { appDatabaseUrl, ownerDatabaseUrl } from '@crm/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { TenantDatabase, systemQueries } from './database';

const SCHEMAS = ['crm', 'meta_ads', 'marketing', 'automation'];

/**
 * Tenant tables whose row-level security is enabled but not forced, so that their owner's SECURITY DEFINER
 * functions may use their indexes (crm.lead_search: the trigram search; crm.lead_tags: the tag count and page; see their
 * migrations). The app role has no privilege on them at all.
 */
const OWNER_ONLY_TABLES = ['crm.lead_search', 'crm.lead_tags'];

/** Row-level security as the services see it: logged in as the app role, never as the owner. */
describe('tenant row-level security', () => {
  const owner = new Client({ connectionString: ownerDatabaseUrl() });
  const app = new Client({ connectionString: appDatabaseUrl(ownerDatabaseUrl()) });
  const tenantA: string = randomUUID();
  const tenantB: string = randomUUID();
  const leadA: string = randomUUID();
  const leadB: string = randomUUID();

  beforeAll(async () => {
    await owner.connect();
    await app.connect();
    for (const [tenant, lead, phone] of [
      [tenantA, leadA, '+5215500000001'],
      [tenantB, leadB, '+5215500000002'],
    ]) {
      await owner.query(
        `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'RLS', 'MXN', 'UTC')`,
        [tenant],
      );
      await owner.query(
        `INSERT INTO crm.leads (id, tenant_id, name, phone, lead_source) VALUES ($1, $2, 'Lead', $3, 'MANUAL')`,
        [lead, tenant, phone],
      );
    }
  });

  afterAll(async () => {
    await owner.query(`DELETE FROM crm.tenants WHERE id = ANY($1::uuid[])`, [[tenantA, tenantB]]);
    await app.end();
    await owner.end();
  });

  /** Run `fn` in a transaction of the app role with `app.tenant_id` set locally (what withTenant does). */
  async function asTenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return await fn();
    } finally {
      await app.query('ROLLBACK');
    }
  }

  it('logs the services in as a role that is neither superuser nor BYPASSRLS', async () => {
    const { rows } = await app.query(
      `SELECT current_user AS role, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
    );
    expect(rows).toEqual([{ role: 'crm_app', rolsuper: false, rolbypassrls: false }]);
  });

  it('enables and forces RLS on every table with a tenant_id column in every service schema', async () => {
    const { rows } = await owner.query(
      `SELECT c.table_schema || '.' || c.table_name AS name, k.relrowsecurity AS enabled,
              k.relforcerowsecurity AS forced,
              EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = k.oid) AS has_policy
         FROM information_schema.columns c
         JOIN pg_class k ON k.oid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
        WHERE c.column_name = 'tenant_id' AND c.table_schema = ANY($1)
        ORDER BY 1`,
      [SCHEMAS],
    );
    const names = rows.map((row: { name: string }) => row.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'crm.leads',
        'meta_ads.connections',
        'marketing.report_snapshots',
        'automation.sends',
      ]),
    );
    const unprotected = rows.filter(
      (row: { name: string; enabled: boolean; forced: boolean; has_policy: boolean }) =>
        !row.enabled || !(row.forced || OWNER_ONLY_TABLES.includes(row.name)) || !row.has_policy,
    );
    expect(unprotected).toEqual([]);
  });

  it('gives the app role no privilege on the owner-only tables', async () => {
    for (const table of OWNER_ONLY_TABLES) {
      const { rows } = await owner.query(
        `SELECT has_table_privilege($1, $2, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE') AS any`,
        ['crm_app', table],
      );
      expect({ table, any: rows[0].any }).toEqual({ table, any: false });
      await expect(app.query(`SELECT * FROM ${table}`)).rejects.toThrow(/permission denied/);
    }
  });

  it("crm.search_lead_ids finds only the tenant's leads of app.tenant_id, and none without it", async () => {
    const search = async () =>
      (await app.query(`SELECT crm.search_lead_ids('%Lead%', '%55000000%', 100) AS id`)).rows
        .map((row: { id: string }) => row.id)
        .filter((id: string) => [leadA, leadB].includes(id));
    expect(await search()).toEqual([]);
    expect(await asTenant(tenantA, search)).toEqual([leadA]);
    expect(await asTenant(tenantB, search)).toEqual([leadB]);
  });

  it("crm.search_lead_page answers only the page of app.tenant_id's leads, and nothing without it", async () => {
    const page = async () =>
      (
        await app.query(`SELECT crm.search_lead_page('%Lead%', '%55000000%', NULL, NULL, NULL, 100000) AS id`)
      ).rows
        .map((row: { id: string }) => row.id)
        .filter((id: string) => [leadA, leadB].includes(id));
    expect(await page()).toEqual([]);
    expect(await asTenant(tenantA, page)).toEqual([leadA]);
    expect(await asTenant(tenantB, page)).toEqual([leadB]);
  });

  it('without a tenant setting sees no rows and can neither insert nor update', async () => {
    const owners = await owner.query(`SELECT count(*)::int AS n FROM crm.leads WHERE id = ANY($1::uuid[])`, [
      [leadA, leadB],
    ]);
    expect(owners.rows[0].n).toBe(2);
    expect((await app.query(`SELECT id FROM crm.leads`)).rows).toEqual([]);
    expect((await app.query(`SELECT id FROM crm.tenants`)).rows).toEqual([]);
    const updated = await app.query(`UPDATE crm.leads SET name = 'hijacked'`);
    expect(updated.rowCount).toBe(0);
    await expect(
      app.query(
        `INSERT INTO crm.leads (tenant_id, name, phone, lead_source) VALUES ($1, 'X', '+5215500000003', 'MANUAL')`,
        [tenantA],
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("with tenant A set reads and writes only A's rows", async () => {
    await asTenant(tenantA, async () => {
      expect((await app.query(`SELECT id FROM crm.leads`)).rows).toEqual([{ id: leadA }]);
      expect(
        (await app.query(`UPDATE crm.leads SET name = 'hijacked' WHERE id = $1`, [leadB])).rowCount,
      ).toBe(0);
      expect((await app.query(`DELETE FROM crm.leads WHERE id = $1`, [leadB])).rowCount).toBe(0);
      await app.query('SAVEPOINT insert_b');
      await expect(
        app.query(
          `INSERT INTO crm.leads (tenant_id, name, phone, lead_source) VALUES ($1, 'X', '+5215500000004', 'MANUAL')`,
          [tenantB],
        ),
      ).rejects.toThrow(/row-level security/);
      await app.query('ROLLBACK TO SAVEPOINT insert_b');
      await expect(
        app.query(`UPDATE crm.leads SET tenant_id = $2 WHERE id = $1`, [leadA, tenantB]),
      ).rejects.toThrow(/row-level security/);
    });
    const names = await owner.query(`SELECT name FROM crm.leads WHERE id = ANY($1::uuid[]) ORDER BY phone`, [
      [leadA, leadB],
    ]);
    expect(names.rows).toEqual([{ name: 'Lead' }, { name: 'Lead' }]);
  });

  it('TenantDatabase: withTenant sees one tenant, asSystem every tenant and is counted', async () => {
    const dataSource = await new DataSource({
      type: 'postgres',
      url: appDatabaseUrl(ownerDatabaseUrl()),
    }).initialize();
    try {
      const db = new TenantDatabase(dataSource);
      const leadsOf = (rows: { id: string }[]) =>
        rows.map((row) => row.id).filter((id) => [leadA, leadB].includes(id));
      const scoped = await db.withTenant(tenantB, (m) => m.query(`SELECT id FROM crm.leads`));
      expect(leadsOf(scoped)).toEqual([leadB]);
      const before =
        (await systemQueries.get()).values.find((v) => v.labels.reason === 'rls test')?.value ?? 0;
      const all = await db.asSystem('rls test', (m) => m.query(`SELECT id FROM crm.leads ORDER BY phone`));
      expect(leadsOf(all)).toEqual([leadA, leadB]);
      const after = (await systemQueries.get()).values.find((v) => v.labels.reason === 'rls test')?.value;
      expect(after).toBe(before + 1);
      // The settings are transaction-local: the pooled connection is back to seeing nothing.
      expect(leadsOf(await dataSource.query(`SELECT id FROM crm.leads`))).toEqual([]);
      await expect(db.withTenant('not-a-uuid', async () => 1)).rejects.toMatchObject({ code: 'VALIDATION' });
    } finally {
      await dataSource.destroy();
    }
  });
});
