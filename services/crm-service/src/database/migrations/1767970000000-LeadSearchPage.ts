import { appDatabaseRole } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A searched lead list's page in one walk of `crm.lead_search` (docs/BENCHMARKS.md, "Lead list and search").
 *
 * `crm.search_lead_ids` answers every matching id (up to a limit) and the list then reads them all from
 * `crm.leads` to sort them: 1,250 primary-key reads under row-level security for a full name that 1,250 leads
 * share, and for a term matching more than the limit, a trigram scan thrown away before the list matched row by row.
 *
 * `crm.lead_search` now also holds what the default order (newest first: `created_at DESC, id DESC`) and a setter's
 * view (`assigned_user_id`) need, kept by the same statement triggers, plus `search_key` (lower-cased name and email)
 * so that a row is matched by one LIKE instead of two ILIKEs. `crm.search_lead_page(pattern, phone_pattern,
 * visible_to, after_created_at, after_id, max_ids)` answers the ids of the first `max_ids` matching leads in that
 * order after the keyset cursor, for the tenant in `app.tenant_id` (never an argument): a common term by walking
 * `(tenant_id, created_at, lead_id)` backwards until the page is full (at most 1,000 rows per id), a rarer one by the
 * trigram indexes and a top-N sort. The list then reads only those ids from `crm.leads`, under row-level security as
 * before. Same privileges as the first function: SECURITY DEFINER owned by the schema owner, search_path pinned,
 * `crm_app` may execute it and has no privilege on the table.
 */
export class LeadSearchPage1767970000000 implements MigrationInterface {
  name = 'LeadSearchPage1767970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const appRole = appDatabaseRole();
    // The backfill reads every tenant's leads: row-level security is forced on crm.leads, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      ALTER TABLE crm.lead_search ADD COLUMN created_at timestamptz, ADD COLUMN assigned_user_id uuid`);
    await queryRunner.query(`
      UPDATE crm.lead_search s SET created_at = l.created_at, assigned_user_id = l.assigned_user_id
        FROM crm.leads l WHERE l.id = s.lead_id`);
    // Rewrites the table (and so drops what the UPDATE left behind). ILIKE in a UTF-8 database lower-cases both
    // sides and compares them as LIKE does, so `search_key LIKE lower(pattern)` is `name ILIKE pattern OR email
    // ILIKE pattern` for a pattern without a line break, at a fraction of the cost per row.
    await queryRunner.query(`
      ALTER TABLE crm.lead_search
        ALTER COLUMN created_at SET NOT NULL,
        ADD COLUMN search_key text NOT NULL
          GENERATED ALWAYS AS (lower(name) || E'\\n' || lower(coalesce(email, ''))) STORED`);
    await queryRunner.query(`
      CREATE INDEX lead_search_tenant_created_idx ON crm.lead_search (tenant_id, created_at, lead_id)`);
    await queryRunner.query(`ANALYZE crm.lead_search`);

    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION crm.lead_search_sync() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO crm.lead_search (lead_id, tenant_id, name, email, phone, created_at, assigned_user_id)
          SELECT id, tenant_id, name, email, phone, created_at, assigned_user_id FROM new_rows;
        ELSE
          UPDATE crm.lead_search s
             SET name = n.name, email = n.email, phone = n.phone, created_at = n.created_at,
                 assigned_user_id = n.assigned_user_id
            FROM new_rows n
           WHERE s.lead_id = n.id
             AND (s.name, s.email, s.phone, s.created_at, s.assigned_user_id)
                 IS DISTINCT FROM (n.name, n.email, n.phone, n.created_at, n.assigned_user_id);
        END IF;
        RETURN NULL;
      END $$`);

    // Two ways to the same ids, each planned with its own values (EXECUTE):
    // - a common term: walk the tenant's search rows newest first and stop at the page, reading at most 1,000 rows
    //   per id asked for (a term matching 1 lead in 1,000 or more fills its page within that);
    // - a rarer one (the walk ended short), or a term with a digit or an `@` (part of a phone or an email, which name
    //   one lead each): the trigram indexes, then a top-N sort.
    // The phone only matches a pattern of digits and `+` (crm.leads' CHECK), where LIKE and ILIKE agree.
    await queryRunner.query(`
      CREATE FUNCTION crm.search_lead_page(
        pattern text, phone_pattern text, visible_to uuid, after_created_at timestamptz, after_id uuid, max_ids int
      ) RETURNS SETOF uuid
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
        key_pattern text := lower(pattern);
        scope text := '';
        walked uuid[];
      BEGIN
        IF tenant IS NULL OR (after_created_at IS NULL) <> (after_id IS NULL) OR max_ids < 1 THEN
          RETURN;
        END IF;
        IF visible_to IS NOT NULL THEN
          scope := scope || ' AND assigned_user_id = $4';
        END IF;
        IF after_id IS NOT NULL THEN
          scope := scope || ' AND (created_at, lead_id) < ($5, $6)';
        END IF;
        IF strpos(key_pattern, E'\\n') = 0 AND key_pattern !~ '[0-9@]' THEN
          EXECUTE
            'SELECT array_agg(lead_id ORDER BY created_at DESC, lead_id DESC) FROM (
               SELECT lead_id, created_at FROM (
                 SELECT lead_id, created_at, search_key, phone FROM crm.lead_search
                  WHERE tenant_id = $1' || scope || '
                  ORDER BY created_at DESC, lead_id DESC LIMIT $7::bigint * 1000
               ) newest
                WHERE search_key LIKE $2'
                || CASE WHEN phone_pattern ~ '^%[+0-9]*%$' THEN ' OR phone LIKE $3' ELSE '' END || '
                ORDER BY created_at DESC, lead_id DESC LIMIT $7
             ) page'
            INTO walked
            USING tenant, key_pattern, phone_pattern, visible_to, after_created_at, after_id, max_ids;
          IF cardinality(walked) >= max_ids THEN
            RETURN QUERY SELECT unnest(walked);
            RETURN;
          END IF;
        END IF;
        RETURN QUERY EXECUTE
          'SELECT lead_id FROM crm.lead_search
            WHERE tenant_id = $1 AND (name ILIKE $2 OR email ILIKE $2 OR phone ILIKE $3)' || scope || '
            ORDER BY created_at DESC, lead_id DESC LIMIT $7'
          USING tenant, pattern, phone_pattern, visible_to, after_created_at, after_id, max_ids;
      END $$`);
    const signature = 'crm.search_lead_page(text, text, uuid, timestamptz, uuid, int)';
    await queryRunner.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${appRole}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION crm.search_lead_page(text, text, uuid, timestamptz, uuid, int)`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION crm.lead_search_sync() RETURNS trigger
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
    await queryRunner.query(`DROP INDEX crm.lead_search_tenant_created_idx`);
    await queryRunner.query(
      `ALTER TABLE crm.lead_search DROP COLUMN search_key, DROP COLUMN assigned_user_id, DROP COLUMN created_at`,
    );
  }
}
