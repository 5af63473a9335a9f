import { appDatabaseRole, tenantPolicyCondition } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead search that can use its pg_trgm indexes for the app role (docs/BENCHMARKS.md, "Lead search under
 * row-level security").
 *
 * Under row-level security PostgreSQL applies a query's own conditions as index conditions only when their
 * operator is leakproof; `ILIKE` is not, so as `crm_app` the trigram indexes on `crm.leads` were never used and a
 * rare phone or email fragment scanned the whole tenant (2–4 s at 1M leads). Marking an operator LEAKPROOF or giving
 * a role BYPASSRLS needs a superuser, which a production migration role is not.
 *
 * Instead: `crm.lead_search` holds each lead's name, email and phone with the trigram indexes. It has row-level
 * security enabled but NOT forced, and the app role has no privilege on it at all: only its owner (the schema
 * owner, who runs the migrations) reads and writes it, through two SECURITY DEFINER functions with a fixed
 * search_path:
 * - `crm.lead_search_sync()`, statement triggers on `crm.leads` that copy inserted and updated rows (rows deleted
 *   from `crm.leads` leave by the foreign key's cascade);
 * - `crm.search_lead_ids(pattern, phone_pattern, max_ids)`, the ids of the matching leads of the tenant in
 *   `app.tenant_id` (the same setting the tenant policy reads; never an argument), at most `max_ids`. The lead
 *   list then reads those ids from `crm.leads` as usual, under row-level security.
 */
export class LeadSearchTable1767950000000 implements MigrationInterface {
  name = 'LeadSearchTable1767950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const appRole = appDatabaseRole();
    // The backfill reads every tenant's leads: row-level security is forced on crm.leads, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      CREATE TABLE crm.lead_search (
        lead_id uuid PRIMARY KEY REFERENCES crm.leads (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        email text,
        phone text NOT NULL
      )`);
    await queryRunner.query(`REVOKE ALL ON crm.lead_search FROM ${appRole}`);
    const condition = tenantPolicyCondition();
    await queryRunner.query(`ALTER TABLE crm.lead_search ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `CREATE POLICY tenant_isolation ON crm.lead_search USING (${condition}) WITH CHECK (${condition})`,
    );
    await queryRunner.query(`
      INSERT INTO crm.lead_search (lead_id, tenant_id, name, email, phone)
      SELECT id, tenant_id, name, email, phone FROM crm.leads`);
    for (const column of ['name', 'email', 'phone']) {
      await queryRunner.query(`DROP INDEX IF EXISTS crm.leads_${column}_trgm_idx`);
      await queryRunner.query(
        `CREATE INDEX lead_search_${column}_trgm_idx ON crm.lead_search USING gin (${column} public.gin_trgm_ops)`,
      );
    }
    await queryRunner.query(`ANALYZE crm.lead_search`);

    await queryRunner.query(`
      CREATE FUNCTION crm.lead_search_sync() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO crm.lead_search (lead_id, tenant_id, name, email, phone)
          SELECT id, tenant_id, name, email, phone FROM new_rows;
        ELSE
          UPDATE crm.lead_search s SET name = n.name, email = n.email, phone = n.phone
            FROM new_rows n
           WHERE s.lead_id = n.id AND (s.name, s.email, s.phone) IS DISTINCT FROM (n.name, n.email, n.phone);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION crm.lead_search_sync() FROM PUBLIC`);
    await queryRunner.query(`
      CREATE TRIGGER lead_search_insert AFTER INSERT ON crm.leads
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crm.lead_search_sync()`);
    await queryRunner.query(`
      CREATE TRIGGER lead_search_update AFTER UPDATE ON crm.leads
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crm.lead_search_sync()`);

    // Planned on each call with its own values (EXECUTE): a common fragment and a rare one want different plans.
    await queryRunner.query(`
      CREATE FUNCTION crm.search_lead_ids(pattern text, phone_pattern text, max_ids int) RETURNS SETOF uuid
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
      BEGIN
        IF tenant IS NULL THEN
          RETURN;
        END IF;
        RETURN QUERY EXECUTE
          'SELECT lead_id FROM crm.lead_search
            WHERE tenant_id = $1 AND (name ILIKE $2 OR email ILIKE $2 OR phone ILIKE $3)
            LIMIT $4'
          USING tenant, pattern, phone_pattern, max_ids;
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION crm.search_lead_ids(text, text, int) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION crm.search_lead_ids(text, text, int) TO ${appRole}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER lead_search_update ON crm.leads`);
    await queryRunner.query(`DROP TRIGGER lead_search_insert ON crm.leads`);
    await queryRunner.query(`DROP FUNCTION crm.search_lead_ids(text, text, int)`);
    await queryRunner.query(`DROP FUNCTION crm.lead_search_sync()`);
    await queryRunner.query(`DROP TABLE crm.lead_search`);
    for (const column of ['name', 'email', 'phone']) {
      await queryRunner.query(
        `CREATE INDEX leads_${column}_trgm_idx ON crm.leads USING gin (${column} public.gin_trgm_ops)`,
      );
    }
  }
}
