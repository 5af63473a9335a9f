import { appDatabaseRole } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The total of a tenant-wide tag filter (`GET /crm/leads?tag=vip` as a ceo or professional) without reading the
 * tenant's leads one by one.
 *
 * Under row-level security PostgreSQL may only use an index condition before the tenant policy when its operator is
 * leakproof, and `@>` on arrays is not: the GIN index on `crm.leads.tags` is never used for the app role, and the
 * capped count became a parallel sequential scan of `crm.leads` (~140 ms of three processes at 1,000,000 leads; the
 * setter's case reads the assignee index, 1768900000180). The tags are now also in `crm.lead_search`, kept by the same
 * statement triggers, with their own GIN index, and `crm.count_tagged_leads(tag, cap)` counts the tenant's leads with
 * that tag, up to `cap + 1`, for the tenant in `app.tenant_id` (never an argument). Same privileges as the search
 * functions: SECURITY DEFINER owned by the schema owner, search_path pinned, `crm_app` may execute it and has no
 * privilege on the table.
 */
export class LeadSearchTags1768900000190 implements MigrationInterface {
  name = 'LeadSearchTags1768900000190';

  async up(queryRunner: QueryRunner): Promise<void> {
    const appRole = appDatabaseRole();
    // The backfill reads every tenant's leads: row-level security is forced on crm.leads, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`ALTER TABLE crm.lead_search ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      UPDATE crm.lead_search s SET tags = l.tags
        FROM crm.leads l WHERE l.id = s.lead_id AND l.tags <> '{}'`);
    await queryRunner.query(`CREATE INDEX lead_search_tags_idx ON crm.lead_search USING gin (tags)`);
    await queryRunner.query(`ANALYZE crm.lead_search`);
    await replaceSync(queryRunner, true);

    await queryRunner.query(`
      CREATE FUNCTION crm.count_tagged_leads(tag text, cap int) RETURNS int
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        SELECT count(*)::int FROM (
          SELECT FROM crm.lead_search
           WHERE tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid AND tags @> ARRAY[tag]
           LIMIT cap + 1) capped
      $$`);
    const signature = 'crm.count_tagged_leads(text, int)';
    await queryRunner.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${appRole}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION crm.count_tagged_leads(text, int)`);
    await replaceSync(queryRunner, false);
    await queryRunner.query(`DROP INDEX crm.lead_search_tags_idx`);
    await queryRunner.query(`ALTER TABLE crm.lead_search DROP COLUMN tags`);
  }
}

/** `crm.lead_search_sync()` (statement triggers on crm.leads) copying the tags too, or as before. */
async function replaceSync(queryRunner: QueryRunner, withTags: boolean): Promise<void> {
  const tags = withTags ? ', tags' : '';
  const setTags = withTags ? ', tags = n.tags' : '';
  const nTags = withTags ? ', n.tags' : '';
  const sTags = withTags ? ', s.tags' : '';
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION crm.lead_search_sync() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO crm.lead_search (lead_id, tenant_id, name, email, phone, created_at, assigned_user_id${tags})
        SELECT id, tenant_id, name, email, phone, created_at, assigned_user_id${tags} FROM new_rows;
      ELSE
        UPDATE crm.lead_search s
           SET name = n.name, email = n.email, phone = n.phone, created_at = n.created_at,
               assigned_user_id = n.assigned_user_id${setTags}
          FROM new_rows n
         WHERE s.lead_id = n.id
           AND (s.name, s.email, s.phone, s.created_at, s.assigned_user_id${sTags})
               IS DISTINCT FROM (n.name, n.email, n.phone, n.created_at, n.assigned_user_id${nTags});
      END IF;
      RETURN NULL;
    END $$`);
}
