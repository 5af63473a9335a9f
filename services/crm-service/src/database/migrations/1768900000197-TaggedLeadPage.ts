import { appDatabaseRole } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { replaceSync as replaceSyncOf1768900000195 } from './1768900000195-LeadTags';

/**
 * A tag-filtered lead page as cheap for a tag few leads carry as for a common one (docs/BENCHMARKS.md, "Rare filter
 * values").
 *
 * The page walked `leads_tenant_created_id_idx` (or `leads_tenant_name_idx`) matching `tags @>` row by row: under
 * row-level security the GIN index on `crm.leads.tags` is never used (`@>` is not leakproof), so a tag on 10 of
 * 1,000,000 leads, or on none, read every lead: 215–325 ms quiet as the app role newest first, 160 ms by name, and a
 * tag on 1,000 leads by name 935 ms. A common tag ('vip', 2 %) fills its page within a few thousand rows (3–4 ms).
 *
 * - `crm.lead_tags` gets the lead's `created_at` and is keyed `(tenant_id, tag, created_at, lead_id)` (the count of
 *   1768900000195 reads the same prefix). `crm.lead_search_sync()` keeps it, moving a lead's entries when its
 *   `created_at` changes; the table is refilled from `crm.leads`.
 * - `crm.tagged_lead_ids(tag, newest_first, after_created_at, after_id, max_ids)` answers the tenant's (from
 *   `app.tenant_id`, never an argument) leads with the tag in the list's creation order after a keyset cursor, up to
 *   `max_ids`, by one index range scan. Same privileges as 1768900000180/195: SECURITY DEFINER owned by the schema
 *   owner, search_path pinned, `crm_app` may execute it and has no privilege on the table.
 * - `LeadStore.list` then reads those ids from `crm.leads` under row-level security, as a setter's list does:
 *   - the tag alone, newest or oldest first: the page's ids only, whatever the tag's frequency (1–6 ms);
 *   - with other filters (status, source, assignee, a setter's own, search), or by name or stage: every id of the tag
 *     when there are at most `TAGGED_ID_LIMIT` (5,000), the other filters and the order applied to those rows
 *     (a search as ILIKE on them, not the trigram scan); a commoner tag walks the order as before, its leads being
 *     dense enough there. The filters are not passed into the function: it would need every filter and a search's
 *     patterns. Reading by id costs ~10 µs a lead per statement (the count and the page): 1–15 ms for a tag on
 *     1,000 leads, 40–90 ms on 4,900 (by name, with a status, with a search), against 230–1,500 ms walking for the
 *     latter — the walk only wins where the tag is common enough to fill a page within a few thousand rows.
 */
export class TaggedLeadPage1768900000197 implements MigrationInterface {
  name = 'TaggedLeadPage1768900000197';

  async up(queryRunner: QueryRunner): Promise<void> {
    const appRole = appDatabaseRole();
    // The backfill reads every tenant's leads: row-level security is forced on crm.leads, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    // Refilled rather than updated in place: one new row per tag a lead carries instead of a dead one each.
    await queryRunner.query(`TRUNCATE crm.lead_tags`);
    await queryRunner.query(`
      ALTER TABLE crm.lead_tags
        DROP CONSTRAINT lead_tags_pkey,
        ADD COLUMN created_at timestamptz NOT NULL,
        ADD PRIMARY KEY (tenant_id, tag, created_at, lead_id)`);
    await queryRunner.query(`
      INSERT INTO crm.lead_tags (tenant_id, tag, created_at, lead_id)
      SELECT DISTINCT l.tenant_id, t.tag, l.created_at, l.id FROM crm.leads l, unnest(l.tags) t(tag)
       WHERE l.tags <> '{}' AND t.tag IS NOT NULL`);
    await queryRunner.query(`ANALYZE crm.lead_tags`);
    await replaceSync(queryRunner);

    // The cursor is the page's last (created_at, id), as the list's keyset (lead-list-query.ts): a row comparison on
    // the key bounds the index scan, in either direction.
    await queryRunner.query(`
      CREATE FUNCTION crm.tagged_lead_ids(
        tag text, newest_first boolean, after_created_at timestamptz, after_id uuid, max_ids int
      ) RETURNS SETOF uuid
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
      BEGIN
        IF tenant IS NULL THEN
          RETURN;
        END IF;
        IF newest_first THEN
          RETURN QUERY
            SELECT t.lead_id FROM crm.lead_tags t
             WHERE t.tenant_id = tenant AND t.tag = tagged_lead_ids.tag
               AND (after_created_at IS NULL OR (t.created_at, t.lead_id) < (after_created_at, after_id))
             ORDER BY t.created_at DESC, t.lead_id DESC
             LIMIT max_ids;
        ELSE
          RETURN QUERY
            SELECT t.lead_id FROM crm.lead_tags t
             WHERE t.tenant_id = tenant AND t.tag = tagged_lead_ids.tag
               AND (after_created_at IS NULL OR (t.created_at, t.lead_id) > (after_created_at, after_id))
             ORDER BY t.created_at, t.lead_id
             LIMIT max_ids;
        END IF;
      END $$`);
    const signature = 'crm.tagged_lead_ids(text, boolean, timestamptz, uuid, int)';
    await queryRunner.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${appRole}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION crm.tagged_lead_ids(text, boolean, timestamptz, uuid, int)`);
    await replaceSyncOf1768900000195(queryRunner, true);
    // A lead has one created_at: (tenant_id, tag, lead_id) is still unique.
    await queryRunner.query(`
      ALTER TABLE crm.lead_tags
        DROP CONSTRAINT lead_tags_pkey,
        DROP COLUMN created_at,
        ADD PRIMARY KEY (tenant_id, tag, lead_id)`);
  }
}

/**
 * `crm.lead_search_sync()` of 1768900000195 with `crm.lead_tags.created_at`: an update moves a lead's entries when its
 * created_at changes too (both found against `crm.lead_search`, which holds the lead as it was until the statement
 * updates it after), and a delete finds them by the whole key.
 */
async function replaceSync(queryRunner: QueryRunner): Promise<void> {
  // Aliases are not `old` / `new`: in a trigger function those name PL/pgSQL's row variables. `@>` rather than
  // `= ANY`: a NULL element (never stored as a tag) does not make the comparison NULL.
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION crm.lead_search_sync() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO crm.lead_search (lead_id, tenant_id, name, email, phone, created_at, assigned_user_id, tags)
        SELECT id, tenant_id, name, email, phone, created_at, assigned_user_id, tags FROM new_rows;
        INSERT INTO crm.lead_tags (tenant_id, tag, created_at, lead_id)
        SELECT DISTINCT n.tenant_id, added.tag, n.created_at, n.id FROM new_rows n, unnest(n.tags) added(tag)
         WHERE added.tag IS NOT NULL;
      ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM crm.lead_tags t USING old_rows o, unnest(o.tags) removed(tag)
         WHERE t.tenant_id = o.tenant_id AND t.tag = removed.tag AND t.created_at = o.created_at
           AND t.lead_id = o.id;
      ELSE
        -- The leads whose tags or created_at changed, found once (most updates change neither): a moved lead's
        -- entries are all replaced, otherwise only the removed and the added tags are.
        WITH changed AS MATERIALIZED (
          SELECT n.tenant_id, n.id, s.tags AS before_tags, n.tags AS after_tags, s.created_at AS before_created_at,
                 n.created_at AS after_created_at, s.created_at <> n.created_at AS moved
            FROM new_rows n JOIN crm.lead_search s ON s.lead_id = n.id
           WHERE (s.tags, s.created_at) IS DISTINCT FROM (n.tags, n.created_at)
        ), removed AS (
          DELETE FROM crm.lead_tags t USING changed c, unnest(c.before_tags) removed(tag)
           WHERE (c.moved OR NOT c.after_tags @> ARRAY[removed.tag])
             AND t.tenant_id = c.tenant_id AND t.tag = removed.tag AND t.created_at = c.before_created_at
             AND t.lead_id = c.id
        )
        INSERT INTO crm.lead_tags (tenant_id, tag, created_at, lead_id)
        SELECT DISTINCT c.tenant_id, added.tag, c.after_created_at, c.id FROM changed c, unnest(c.after_tags) added(tag)
         WHERE added.tag IS NOT NULL AND (c.moved OR NOT c.before_tags @> ARRAY[added.tag]);
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
