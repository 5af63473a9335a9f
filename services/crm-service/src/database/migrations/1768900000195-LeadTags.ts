import { appDatabaseRole, tenantPolicyCondition } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The total of a tenant-wide tag filter from index pages alone (docs/BENCHMARKS.md, load runs 8–12).
 *
 * `crm.count_tagged_leads` (1768900000190) found a tag's leads in the GIN index of `crm.lead_search.tags`, but a GIN
 * index has no index-only scans: counting 10,001 of a tenant's 20,000 "vip" leads at 1,000,000 leads rechecked
 * 10,001 heap rows spread one per page (~180 ms cold, 27–83 ms warm). `crm.lead_tags` holds one row per (tenant,
 * tag, lead), keyed in that order, so the capped count is one index-only range scan (74 pages, 1–3 ms).
 *
 * - Owner-only like `crm.lead_search`: row-level security enabled, not forced, and no privilege for `crm_app`; read
 *   only by `crm.count_tagged_leads(tag, cap)` (same signature and privileges as before: SECURITY DEFINER owned by
 *   the schema owner, search_path pinned, the tenant from `app.tenant_id`, never an argument).
 * - Kept by `crm.lead_search_sync()`: an insert adds the new leads' tags; an update adds and removes only the tags
 *   that changed, read against `crm.lead_search.tags` (the tags as they were: the statement updates
 *   `crm.lead_search` after); a delete removes the deleted leads' tags (a new statement trigger: the key starts
 *   with the tenant and the tag, so a cascade by `lead_id` would need a second index).
 * - An index-only scan reads the heap for entries on pages the visibility map does not mark all-visible: autovacuum
 *   sets those bits. The table is small (one row per tag a lead carries) and mostly appended to, so it is vacuumed at
 *   1% of its rows inserted or changed rather than the default 20%; the backfill below passes that threshold, and
 *   until autovacuum's next round the count is right, only slower (VACUUM cannot run inside the migration's
 *   transaction; ANALYZE does).
 */
export class LeadTags1768900000195 implements MigrationInterface {
  name = 'LeadTags1768900000195';

  async up(queryRunner: QueryRunner): Promise<void> {
    const appRole = appDatabaseRole();
    // The backfill reads every tenant's leads: row-level security is forced on crm.leads, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      CREATE TABLE crm.lead_tags (
        tenant_id uuid NOT NULL,
        tag text NOT NULL,
        lead_id uuid NOT NULL,
        PRIMARY KEY (tenant_id, tag, lead_id)
      ) WITH (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_scale_factor = 0.01)`);
    await queryRunner.query(`REVOKE ALL ON crm.lead_tags FROM ${appRole}`);
    const condition = tenantPolicyCondition();
    await queryRunner.query(`ALTER TABLE crm.lead_tags ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `CREATE POLICY tenant_isolation ON crm.lead_tags USING (${condition}) WITH CHECK (${condition})`,
    );
    await queryRunner.query(`
      INSERT INTO crm.lead_tags (tenant_id, tag, lead_id)
      SELECT DISTINCT l.tenant_id, t.tag, l.id FROM crm.leads l, unnest(l.tags) t(tag)
       WHERE l.tags <> '{}' AND t.tag IS NOT NULL`);
    await queryRunner.query(`ANALYZE crm.lead_tags`);
    await replaceSync(queryRunner, true);
    await queryRunner.query(`
      CREATE TRIGGER lead_tags_delete AFTER DELETE ON crm.leads
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION crm.lead_search_sync()`);
    // A parameter named like a column is read as the column in an SQL function: the tag is qualified. The tenant is a
    // subquery, read once per call rather than once per row when the planner scans (a table of one tenant's one tag).
    await replaceCount(
      queryRunner,
      `SELECT FROM crm.lead_tags
        WHERE tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)
          AND tag = count_tagged_leads.tag`,
    );
    // The GIN index of 1768900000190 served only that count.
    await queryRunner.query(`DROP INDEX crm.lead_search_tags_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX lead_search_tags_idx ON crm.lead_search USING gin (tags)`);
    await replaceCount(
      queryRunner,
      `SELECT FROM crm.lead_search
        WHERE tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid AND tags @> ARRAY[tag]`,
    );
    await queryRunner.query(`DROP TRIGGER lead_tags_delete ON crm.leads`);
    await replaceSync(queryRunner, false);
    await queryRunner.query(`DROP TABLE crm.lead_tags`);
  }
}

/** `crm.count_tagged_leads(tag, cap)`: the rows of `tagged` (the tenant's leads with `tag`), up to `cap + 1`. */
async function replaceCount(queryRunner: QueryRunner, tagged: string): Promise<void> {
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION crm.count_tagged_leads(tag text, cap int) RETURNS int
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      SELECT count(*)::int FROM (${tagged} LIMIT cap + 1) capped
    $$`);
}

/**
 * `crm.lead_search_sync()` (statement triggers on crm.leads) keeping `crm.lead_tags` too, or as 1768900000190 left it.
 * Exported for 1768900000197's down, which restores this version.
 */
export async function replaceSync(queryRunner: QueryRunner, withLeadTags: boolean): Promise<void> {
  // Aliases are not `old` / `new`: in a trigger function those name PL/pgSQL's row variables. `@>` rather than
  // `= ANY`: a NULL element (never stored as a tag) does not make the comparison NULL.
  const onInsert = `
        INSERT INTO crm.lead_tags (tenant_id, tag, lead_id)
        SELECT DISTINCT n.tenant_id, added.tag, n.id FROM new_rows n, unnest(n.tags) added(tag)
         WHERE added.tag IS NOT NULL;`;
  // The leads whose tags changed, found once (most updates change none): the removed and the added tags follow from
  // them alone, so `crm.lead_tags` is only probed by its key for those.
  const onUpdate = `
        WITH changed AS MATERIALIZED (
          SELECT n.tenant_id, n.id, s.tags AS before_tags, n.tags AS after_tags
            FROM new_rows n JOIN crm.lead_search s ON s.lead_id = n.id
           WHERE s.tags IS DISTINCT FROM n.tags
        ), removed AS (
          DELETE FROM crm.lead_tags t USING changed c, unnest(c.before_tags) removed(tag)
           WHERE NOT c.after_tags @> ARRAY[removed.tag]
             AND t.tenant_id = c.tenant_id AND t.tag = removed.tag AND t.lead_id = c.id
        )
        INSERT INTO crm.lead_tags (tenant_id, tag, lead_id)
        SELECT DISTINCT c.tenant_id, added.tag, c.id FROM changed c, unnest(c.after_tags) added(tag)
         WHERE added.tag IS NOT NULL AND NOT c.before_tags @> ARRAY[added.tag];`;
  const onDelete = `
      ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM crm.lead_tags t USING old_rows o, unnest(o.tags) removed(tag)
         WHERE t.tenant_id = o.tenant_id AND t.tag = removed.tag AND t.lead_id = o.id;`;
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION crm.lead_search_sync() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO crm.lead_search (lead_id, tenant_id, name, email, phone, created_at, assigned_user_id, tags)
        SELECT id, tenant_id, name, email, phone, created_at, assigned_user_id, tags FROM new_rows;
        ${withLeadTags ? onInsert + onDelete : ''}
      ELSE
        ${withLeadTags ? onUpdate : ''}
        UPDATE crm.lead_search s
           SET name = n.name, email = n.email, phone = n.phone, created_at = n.created_at,
               assigned_user_id = n.assigned_user_id, tags = n.tags
          FROM new_rows n
         WHERE s.lead_id = n.id
           AND (s.name, s.email, s.phone, s.created_at, s.assigned_user_id, s.tags)
               IS DISTINCT FROM (n.name, n.email, n.phone, n.created_at, n.assigned_user_id, n.tags);
      END IF;
      RETURN NULL;
    END $$`);
}
