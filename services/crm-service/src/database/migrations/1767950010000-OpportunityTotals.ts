import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The kanban's and the dashboard's pipeline totals for the whole tenant without reading every opportunity
 * (docs/BENCHMARKS.md: 200,000 opportunities took 0.4–3 s to add up). `crm.opportunity_totals` keeps, per tenant,
 * status, currency and owner, how many opportunities there are and their value: exact, because statement triggers
 * on `crm.opportunities` add every inserted row and move every updated or deleted one in the same transaction.
 * Concurrent writers of the same bucket wait on its row, like any counter.
 *
 * A card's order on the kanban (deadline first, newest next) gets its own index, so each column reads only the
 * cards it shows.
 */
export class OpportunityTotals1767950010000 implements MigrationInterface {
  name = 'OpportunityTotals1767950010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill reads every tenant's opportunities: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      CREATE TABLE crm.opportunity_totals (
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        status text NOT NULL,
        currency char(3) NOT NULL,
        owner_user_id uuid,
        opportunities bigint NOT NULL,
        value numeric NOT NULL,
        CONSTRAINT opportunity_totals_bucket_key UNIQUE NULLS NOT DISTINCT (tenant_id, status, currency, owner_user_id)
      )`);
    await enableTenantRls(queryRunner, 'crm.opportunity_totals');
    await queryRunner.query(`
      INSERT INTO crm.opportunity_totals (tenant_id, status, currency, owner_user_id, opportunities, value)
      SELECT tenant_id, status, currency, owner_user_id, count(*), sum(value)
        FROM crm.opportunities
       GROUP BY 1, 2, 3, 4`);

    // Runs as the writer (the app role, under row-level security: the rows it moves are its tenant's). Buckets that
    // reach 0 stay (readers skip them). Each branch names only the transition tables its event has.
    const upsert = (changes: string) => `
          INSERT INTO crm.opportunity_totals AS t (tenant_id, status, currency, owner_user_id, opportunities, value)
          SELECT tenant_id, status, currency, owner_user_id, sum(sign), sum(sign * value)
            FROM (${changes}) changes
           GROUP BY 1, 2, 3, 4
           ORDER BY 1, 2, 3, 4
          ON CONFLICT ON CONSTRAINT opportunity_totals_bucket_key DO UPDATE
            SET opportunities = t.opportunities + excluded.opportunities, value = t.value + excluded.value;`;
    const added = 'SELECT tenant_id, status, currency, owner_user_id, 1 AS sign, value FROM new_rows';
    const removed = 'SELECT tenant_id, status, currency, owner_user_id, -1 AS sign, value FROM old_rows';
    await queryRunner.query(`
      CREATE FUNCTION crm.opportunity_totals_sync() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN${upsert(added)}
        ELSIF TG_OP = 'UPDATE' THEN${upsert(`${added} UNION ALL ${removed}`)}
        ELSE${upsert(removed)}
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ]) {
      await queryRunner.query(`
        CREATE TRIGGER opportunity_totals_${event.toLowerCase()} AFTER ${event} ON crm.opportunities
          REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION crm.opportunity_totals_sync()`);
    }

    await queryRunner.query(
      `CREATE INDEX opportunities_tenant_status_board_idx
         ON crm.opportunities (tenant_id, status, deadline, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`ANALYZE crm.opportunities, crm.opportunity_totals`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX crm.opportunities_tenant_status_board_idx`);
    for (const event of ['insert', 'update', 'delete']) {
      await queryRunner.query(`DROP TRIGGER opportunity_totals_${event} ON crm.opportunities`);
    }
    await queryRunner.query(`DROP FUNCTION crm.opportunity_totals_sync()`);
    await disableTenantRls(queryRunner, 'crm.opportunity_totals');
    await queryRunner.query(`DROP TABLE crm.opportunity_totals`);
  }
}
