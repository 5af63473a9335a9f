import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard's "leads in the last 30 days, by source and by seller" without reading every recent lead
 * (docs/BENCHMARKS.md: 43,000 leads under row-level security took 170 ms p50). `crm.lead_day_counts` keeps, per
 * tenant, UTC day of `created_at`, source and assigned seller, how many leads there are: exact, because statement
 * triggers on `crm.leads` add every inserted row, move every updated row whose day, source or seller changed and
 * remove every deleted one, in the same transaction. Updates that change none of the three (status, notes, tags…)
 * touch no bucket, so they never wait on one. Concurrent writers of the same bucket wait on its row, like any counter.
 *
 * The reader (`LeadStore.recentCounts`) adds the whole days after the window's first day from here and counts the
 * first, partial day live (at most one day of leads, through `leads_tenant_created_id_idx`).
 */
export class LeadDayCounts1767960000000 implements MigrationInterface {
  name = 'LeadDayCounts1767960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill reads every tenant's leads: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      CREATE TABLE crm.lead_day_counts (
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        day date NOT NULL,
        lead_source text NOT NULL,
        assigned_user_id uuid,
        leads bigint NOT NULL,
        CONSTRAINT lead_day_counts_bucket_key UNIQUE NULLS NOT DISTINCT (tenant_id, day, lead_source, assigned_user_id)
      )`);
    await enableTenantRls(queryRunner, 'crm.lead_day_counts');
    await queryRunner.query(`
      INSERT INTO crm.lead_day_counts (tenant_id, day, lead_source, assigned_user_id, leads)
      SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, lead_source, assigned_user_id, count(*)
        FROM crm.leads
       GROUP BY 1, 2, 3, 4`);
    // A seller's own dashboard reads their buckets only.
    await queryRunner.query(
      `CREATE INDEX lead_day_counts_tenant_user_day_idx ON crm.lead_day_counts (tenant_id, assigned_user_id, day)`,
    );

    // Runs as the writer (the app role, under row-level security: the rows it moves are its tenant's). Buckets that
    // reach 0 stay (readers skip them). Each branch names only the transition tables its event has. A delete only
    // lowers buckets that exist (every deleted lead was counted): when a tenant is deleted its buckets may already be
    // gone with it, and inserting one back would break the foreign key.
    const bucket = `tenant_id, (created_at AT TIME ZONE 'UTC')::date AS day, lead_source, assigned_user_id`;
    const upsert = (changes: string) => `
          INSERT INTO crm.lead_day_counts AS t (tenant_id, day, lead_source, assigned_user_id, leads)
          SELECT tenant_id, day, lead_source, assigned_user_id, sum(sign)
            FROM (${changes}) changes
           GROUP BY 1, 2, 3, 4
          HAVING sum(sign) <> 0
           ORDER BY 1, 2, 3, 4
          ON CONFLICT ON CONSTRAINT lead_day_counts_bucket_key DO UPDATE SET leads = t.leads + excluded.leads;`;
    const moved = `
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.tenant_id, n.created_at, n.lead_source, n.assigned_user_id)
                   IS DISTINCT FROM (o.tenant_id, o.created_at, o.lead_source, o.assigned_user_id)`;
    await queryRunner.query(`
      CREATE FUNCTION crm.lead_day_counts_sync() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN${upsert(`SELECT ${bucket}, 1 AS sign FROM new_rows`)}
        ELSIF TG_OP = 'UPDATE' THEN
          IF EXISTS (${moved}) THEN${upsert(
            `SELECT ${bucket}, 1 AS sign FROM new_rows WHERE id IN (${moved})
             UNION ALL
             SELECT ${bucket}, -1 AS sign FROM old_rows WHERE id IN (${moved})`,
          )}
          END IF;
        ELSE
          UPDATE crm.lead_day_counts t SET leads = t.leads - gone.n
            FROM (SELECT ${bucket}, count(*) AS n FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4) gone
           WHERE t.tenant_id = gone.tenant_id AND t.day = gone.day AND t.lead_source = gone.lead_source
             AND t.assigned_user_id IS NOT DISTINCT FROM gone.assigned_user_id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ]) {
      await queryRunner.query(`
        CREATE TRIGGER lead_day_counts_${event.toLowerCase()} AFTER ${event} ON crm.leads
          REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION crm.lead_day_counts_sync()`);
    }
    await queryRunner.query(`ANALYZE crm.lead_day_counts`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete']) {
      await queryRunner.query(`DROP TRIGGER lead_day_counts_${event} ON crm.leads`);
    }
    await queryRunner.query(`DROP FUNCTION crm.lead_day_counts_sync()`);
    await disableTenantRls(queryRunner, 'crm.lead_day_counts');
    await queryRunner.query(`DROP TABLE crm.lead_day_counts`);
  }
}
