import { appDatabaseRole } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One assignee's lead list (a setter's, who sees only their own leads) filtered or searched from index pages alone
 * (docs/BENCHMARKS.md, "Load"). A setter's leads are spread over the table, one heap page each: at 1,000,000 leads a
 * status, source or tag filter read ~8,400 heap pages to count a setter's 8,334 leads (105–200 ms cold), and a
 * search fetched up to 10,000 tenant-wide trigram matches before keeping the setter's.
 *
 * - `leads_tenant_assigned_created_idx` keeps its key and now carries `status`, `lead_source` and `tags`: the capped
 *   count and the ids of a page (`LeadStore.page`) become index-only scans with a filter. Still one index to
 *   maintain; replaced rather than altered (an index's INCLUDE columns cannot be changed in place).
 * - `crm.lead_search` gets `(tenant_id, assigned_user_id, created_at, lead_id) INCLUDE (search_key, phone)`, and
 *   `crm.search_assigned_lead_ids(pattern, phone_pattern, assignee, max_ids)` answers that assignee's matching ids
 *   (at most `max_ids`) by walking it: one LIKE per index entry on the lower-cased key, no heap. Same privileges as
 *   `crm.search_lead_ids`: SECURITY DEFINER owned by the schema owner, search_path pinned, the tenant from
 *   `app.tenant_id` (never an argument), `crm_app` may execute it and has no privilege on the table.
 */
export class AssigneeLeadLists1768900000180 implements MigrationInterface {
  name = 'AssigneeLeadLists1768900000180';

  async up(queryRunner: QueryRunner): Promise<void> {
    const appRole = appDatabaseRole();
    await queryRunner.query(`
      CREATE INDEX leads_tenant_assigned_created_incl_idx ON crm.leads (tenant_id, assigned_user_id, created_at, id)
        INCLUDE (status, lead_source, tags)`);
    await queryRunner.query(`DROP INDEX crm.leads_tenant_assigned_created_idx`);
    await queryRunner.query(
      `ALTER INDEX crm.leads_tenant_assigned_created_incl_idx RENAME TO leads_tenant_assigned_created_idx`,
    );

    await queryRunner.query(`
      CREATE INDEX lead_search_tenant_assigned_idx ON crm.lead_search (tenant_id, assigned_user_id, created_at, lead_id)
        INCLUDE (search_key, phone)`);

    // The LIKE on `search_key` is `name ILIKE pattern OR email ILIKE pattern` only for a pattern without a line
    // break (see 1767970000000-LeadSearchPage); one with a line break is matched with the ILIKEs themselves. The phone
    // holds only `+` and digits (crm.leads' CHECK), where LIKE and ILIKE agree, and any other pattern matches none.
    await queryRunner.query(`
      CREATE FUNCTION crm.search_assigned_lead_ids(pattern text, phone_pattern text, assignee uuid, max_ids int)
        RETURNS SETOF uuid
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
        key_pattern text := lower(pattern);
      BEGIN
        IF tenant IS NULL OR assignee IS NULL THEN
          RETURN;
        END IF;
        IF strpos(key_pattern, E'\\n') > 0 THEN
          RETURN QUERY
            SELECT lead_id FROM crm.lead_search
             WHERE tenant_id = tenant AND assigned_user_id = assignee
               AND (name ILIKE pattern OR email ILIKE pattern OR phone ILIKE phone_pattern)
             LIMIT max_ids;
          RETURN;
        END IF;
        IF phone_pattern ~ '^%[+0-9]*%$' THEN
          RETURN QUERY
            SELECT lead_id FROM crm.lead_search
             WHERE tenant_id = tenant AND assigned_user_id = assignee
               AND (search_key LIKE key_pattern OR phone LIKE phone_pattern)
             LIMIT max_ids;
        ELSE
          RETURN QUERY
            SELECT lead_id FROM crm.lead_search
             WHERE tenant_id = tenant AND assigned_user_id = assignee AND search_key LIKE key_pattern
             LIMIT max_ids;
        END IF;
      END $$`);
    const signature = 'crm.search_assigned_lead_ids(text, text, uuid, int)';
    await queryRunner.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${appRole}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION crm.search_assigned_lead_ids(text, text, uuid, int)`);
    await queryRunner.query(`DROP INDEX crm.lead_search_tenant_assigned_idx`);
    await queryRunner.query(`
      CREATE INDEX leads_tenant_assigned_created_plain_idx ON crm.leads (tenant_id, assigned_user_id, created_at, id)`);
    await queryRunner.query(`DROP INDEX crm.leads_tenant_assigned_created_idx`);
    await queryRunner.query(
      `ALTER INDEX crm.leads_tenant_assigned_created_plain_idx RENAME TO leads_tenant_assigned_created_idx`,
    );
  }
}
