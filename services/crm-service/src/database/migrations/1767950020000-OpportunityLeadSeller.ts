import type { MigrationInterface, QueryRunner } from 'typeorm';

const BUCKET = 'tenant_id, status, currency, owner_user_id, lead_user_id';

/** The body of `crm.opportunity_totals_sync()` for a bucket made of `columns` (see OpportunityTotals1767950010000). */
function totalsSync(columns: string): string {
  const upsert = (changes: string) => `
          INSERT INTO crm.opportunity_totals AS t (${columns}, opportunities, value)
          SELECT ${columns}, sum(sign), sum(sign * value)
            FROM (${changes}) changes
           GROUP BY ${columns}
           ORDER BY ${columns}
          ON CONFLICT ON CONSTRAINT opportunity_totals_bucket_key DO UPDATE
            SET opportunities = t.opportunities + excluded.opportunities, value = t.value + excluded.value;`;
  const added = `SELECT ${columns}, 1 AS sign, value FROM new_rows`;
  const removed = `SELECT ${columns}, -1 AS sign, value FROM old_rows`;
  return `
      CREATE OR REPLACE FUNCTION crm.opportunity_totals_sync() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN${upsert(added)}
        ELSIF TG_OP = 'UPDATE' THEN${upsert(`${added} UNION ALL ${removed}`)}
        ELSE${upsert(removed)}
        END IF;
        RETURN NULL;
      END $$`;
}

/**
 * A setter's or closer's kanban and dashboard without reading the tenant's every opportunity. They see the
 * opportunities they own or whose lead is assigned to them; `crm.opportunities.lead_user_id` now carries that
 * lead's seller (set from the lead on insert, and moved by a statement trigger on `crm.leads` when a lead is
 * reassigned), so:
 * - `crm.opportunity_totals` adds up per lead seller too, and a seller's totals are the buckets they own or sell;
 * - each kanban column of a seller is two index walks in card order (owned, sold), merged.
 */
export class OpportunityLeadSeller1767950020000 implements MigrationInterface {
  name = 'OpportunityLeadSeller1767950020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill touches every tenant's rows: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`ALTER TABLE crm.opportunities ADD COLUMN lead_user_id uuid`);
    await queryRunner.query(`ALTER TABLE crm.opportunities DISABLE TRIGGER opportunity_totals_update`);
    await queryRunner.query(`
      UPDATE crm.opportunities o SET lead_user_id = l.assigned_user_id
        FROM crm.leads l
       WHERE l.tenant_id = o.tenant_id AND l.id = o.lead_id AND l.assigned_user_id IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE crm.opportunities ENABLE TRIGGER opportunity_totals_update`);

    await queryRunner.query(`
      CREATE FUNCTION crm.opportunity_lead_user() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        NEW.lead_user_id := (SELECT assigned_user_id FROM crm.leads WHERE tenant_id = NEW.tenant_id AND id = NEW.lead_id);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER opportunity_lead_user BEFORE INSERT OR UPDATE OF lead_id, lead_user_id ON crm.opportunities
        FOR EACH ROW EXECUTE FUNCTION crm.opportunity_lead_user()`);
    await queryRunner.query(`
      CREATE FUNCTION crm.lead_user_to_opportunities() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        UPDATE crm.opportunities o SET lead_user_id = n.assigned_user_id
          FROM new_rows n JOIN old_rows b ON b.id = n.id
         WHERE b.assigned_user_id IS DISTINCT FROM n.assigned_user_id
           AND o.tenant_id = n.tenant_id AND o.lead_id = n.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER lead_user_to_opportunities AFTER UPDATE ON crm.leads
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION crm.lead_user_to_opportunities()`);

    await queryRunner.query(`TRUNCATE crm.opportunity_totals`);
    await queryRunner.query(`
      ALTER TABLE crm.opportunity_totals
        ADD COLUMN lead_user_id uuid,
        DROP CONSTRAINT opportunity_totals_bucket_key,
        ADD CONSTRAINT opportunity_totals_bucket_key UNIQUE NULLS NOT DISTINCT (${BUCKET})`);
    await queryRunner.query(`
      INSERT INTO crm.opportunity_totals (${BUCKET}, opportunities, value)
      SELECT ${BUCKET}, count(*), sum(value) FROM crm.opportunities GROUP BY ${BUCKET}`);
    await queryRunner.query(totalsSync(BUCKET));

    await queryRunner.query(`DROP INDEX crm.opportunities_tenant_owner_idx`);
    for (const [name, column] of [
      ['opportunities_tenant_owner_board_idx', 'owner_user_id'],
      ['opportunities_tenant_lead_user_board_idx', 'lead_user_id'],
    ]) {
      await queryRunner.query(
        `CREATE INDEX ${name} ON crm.opportunities (tenant_id, ${column}, status, deadline, created_at DESC, id DESC)`,
      );
    }
    await queryRunner.query(`ANALYZE crm.opportunities, crm.opportunity_totals`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const previous = 'tenant_id, status, currency, owner_user_id';
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`DROP INDEX crm.opportunities_tenant_lead_user_board_idx`);
    await queryRunner.query(`DROP INDEX crm.opportunities_tenant_owner_board_idx`);
    await queryRunner.query(
      `CREATE INDEX opportunities_tenant_owner_idx ON crm.opportunities (tenant_id, owner_user_id)`,
    );
    await queryRunner.query(totalsSync(previous));
    await queryRunner.query(`TRUNCATE crm.opportunity_totals`);
    await queryRunner.query(`
      ALTER TABLE crm.opportunity_totals
        DROP CONSTRAINT opportunity_totals_bucket_key,
        DROP COLUMN lead_user_id,
        ADD CONSTRAINT opportunity_totals_bucket_key UNIQUE NULLS NOT DISTINCT (${previous})`);
    await queryRunner.query(`
      INSERT INTO crm.opportunity_totals (${previous}, opportunities, value)
      SELECT ${previous}, count(*), sum(value) FROM crm.opportunities GROUP BY ${previous}`);
    await queryRunner.query(`DROP TRIGGER lead_user_to_opportunities ON crm.leads`);
    await queryRunner.query(`DROP FUNCTION crm.lead_user_to_opportunities()`);
    await queryRunner.query(`DROP TRIGGER opportunity_lead_user ON crm.opportunities`);
    await queryRunner.query(`DROP FUNCTION crm.opportunity_lead_user()`);
    await queryRunner.query(`ALTER TABLE crm.opportunities DROP COLUMN lead_user_id`);
  }
}
