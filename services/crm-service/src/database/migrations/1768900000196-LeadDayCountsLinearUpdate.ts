import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `crm.lead_day_counts_sync` (1767960000000) found the updated leads whose bucket moved by joining the statement's
 * `new_rows` and `old_rows` on `id`. Transition tables have no statistics, so PostgreSQL planned that join as a nested
 * loop: quadratic in the rows one UPDATE touches (at 1,000,000 leads, 2,000 leads updated took 1.3–2.3 s and 10,000
 * took 13–30 s, even when only their status changed). Now there is no join: every updated row adds +1 to its new
 * bucket and −1 to its old one, and only buckets whose sum is not 0 are written — linear, exact, and an update that
 * moves no bucket (status, notes, tags…) still writes and locks none.
 */
export class LeadDayCountsLinearUpdate1768900000196 implements MigrationInterface {
  name = 'LeadDayCountsLinearUpdate1768900000196';

  async up(queryRunner: QueryRunner): Promise<void> {
    await replaceSync(queryRunner, `${upsert(`${rows('new_rows', 1)} UNION ALL ${rows('old_rows', -1)}`)}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const moved = `
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.tenant_id, n.created_at, n.lead_source, n.assigned_user_id)
                   IS DISTINCT FROM (o.tenant_id, o.created_at, o.lead_source, o.assigned_user_id)`;
    await replaceSync(
      queryRunner,
      `
          IF EXISTS (${moved}) THEN${upsert(
            `${rows('new_rows', 1)} WHERE id IN (${moved}) UNION ALL ${rows('old_rows', -1)} WHERE id IN (${moved})`,
          )}
          END IF;`,
    );
  }
}

const rows = (table: string, sign: number) =>
  `SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date AS day, lead_source, assigned_user_id, ${sign} AS sign FROM ${table}`;

/** Adds the changes' signs to their buckets, in bucket order (two writers lock shared buckets in the same order). */
const upsert = (changes: string) => `
          INSERT INTO crm.lead_day_counts AS t (tenant_id, day, lead_source, assigned_user_id, leads)
          SELECT tenant_id, day, lead_source, assigned_user_id, sum(sign)
            FROM (${changes}) changes
           GROUP BY 1, 2, 3, 4
          HAVING sum(sign) <> 0
           ORDER BY 1, 2, 3, 4
          ON CONFLICT ON CONSTRAINT lead_day_counts_bucket_key DO UPDATE SET leads = t.leads + excluded.leads;`;

/** The trigger function of 1767960000000 with `onUpdate` as its UPDATE branch (INSERT and DELETE unchanged). */
async function replaceSync(queryRunner: QueryRunner, onUpdate: string): Promise<void> {
  await queryRunner.query(`
      CREATE OR REPLACE FUNCTION crm.lead_day_counts_sync() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN${upsert(rows('new_rows', 1))}
        ELSIF TG_OP = 'UPDATE' THEN${onUpdate}
        ELSE
          UPDATE crm.lead_day_counts t SET leads = t.leads - gone.n
            FROM (SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date AS day, lead_source, assigned_user_id,
                         count(*) AS n
                    FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4) gone
           WHERE t.tenant_id = gone.tenant_id AND t.day = gone.day AND t.lead_source = gone.lead_source
             AND t.assigned_user_id IS NOT DISTINCT FROM gone.assigned_user_id;
        END IF;
        RETURN NULL;
      END $$`);
}
