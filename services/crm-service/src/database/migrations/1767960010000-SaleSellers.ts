import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A seller's dashboard revenue without reading each sale's lead and opportunity (docs/BENCHMARKS.md: ~2,700 sales a
 * month at 1M leads, two primary-key reads each, were most of a setter's 85 ms). A seller sees a sale when they own
 * its opportunity or its lead is assigned to them; `crm.sales_transactions` now carries both:
 * - `lead_user_id`, the lead's seller, and `opportunity_owner_id`, the opportunity's owner, set by a row trigger from
 *   the lead and the opportunity on insert and whenever the sale's lead or opportunity changes (and recomputed,
 *   never taken as written, when anything writes either column);
 * - moved by statement triggers when a lead is reassigned or an opportunity changes owner, in the same transaction.
 */
export class SaleSellers1767960010000 implements MigrationInterface {
  name = 'SaleSellers1767960010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill touches every tenant's rows: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(
      `ALTER TABLE crm.sales_transactions ADD COLUMN lead_user_id uuid, ADD COLUMN opportunity_owner_id uuid`,
    );
    await queryRunner.query(`
      UPDATE crm.sales_transactions s
         SET lead_user_id = l.assigned_user_id,
             opportunity_owner_id = (SELECT o.owner_user_id FROM crm.opportunities o
                                      WHERE o.tenant_id = s.tenant_id AND o.id = s.opportunity_id)
        FROM crm.leads l
       WHERE l.tenant_id = s.tenant_id AND l.id = s.lead_id`);
    // The owner trigger finds an opportunity's sales (and the cascade from a deleted opportunity uses it too).
    await queryRunner.query(
      `CREATE INDEX sales_transactions_tenant_opportunity_idx ON crm.sales_transactions (tenant_id, opportunity_id)
         WHERE opportunity_id IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE FUNCTION crm.sale_sellers() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        NEW.lead_user_id := (SELECT assigned_user_id FROM crm.leads WHERE tenant_id = NEW.tenant_id AND id = NEW.lead_id);
        NEW.opportunity_owner_id := (SELECT owner_user_id FROM crm.opportunities
                                      WHERE tenant_id = NEW.tenant_id AND id = NEW.opportunity_id);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER sale_sellers
        BEFORE INSERT OR UPDATE OF tenant_id, lead_id, opportunity_id, lead_user_id, opportunity_owner_id
        ON crm.sales_transactions FOR EACH ROW EXECUTE FUNCTION crm.sale_sellers()`);
    await queryRunner.query(`
      CREATE FUNCTION crm.lead_user_to_sales() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        UPDATE crm.sales_transactions s SET lead_user_id = n.assigned_user_id
          FROM new_rows n JOIN old_rows b ON b.id = n.id
         WHERE b.assigned_user_id IS DISTINCT FROM n.assigned_user_id
           AND s.tenant_id = n.tenant_id AND s.lead_id = n.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER lead_user_to_sales AFTER UPDATE ON crm.leads
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION crm.lead_user_to_sales()`);
    await queryRunner.query(`
      CREATE FUNCTION crm.opportunity_owner_to_sales() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        UPDATE crm.sales_transactions s SET opportunity_owner_id = n.owner_user_id
          FROM new_rows n JOIN old_rows b ON b.id = n.id
         WHERE b.owner_user_id IS DISTINCT FROM n.owner_user_id
           AND s.tenant_id = n.tenant_id AND s.opportunity_id = n.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER opportunity_owner_to_sales AFTER UPDATE ON crm.opportunities
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION crm.opportunity_owner_to_sales()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER opportunity_owner_to_sales ON crm.opportunities`);
    await queryRunner.query(`DROP FUNCTION crm.opportunity_owner_to_sales()`);
    await queryRunner.query(`DROP TRIGGER lead_user_to_sales ON crm.leads`);
    await queryRunner.query(`DROP FUNCTION crm.lead_user_to_sales()`);
    await queryRunner.query(`DROP TRIGGER sale_sellers ON crm.sales_transactions`);
    await queryRunner.query(`DROP FUNCTION crm.sale_sellers()`);
    await queryRunner.query(`DROP INDEX crm.sales_transactions_tenant_opportunity_idx`);
    await queryRunner.query(
      `ALTER TABLE crm.sales_transactions DROP COLUMN lead_user_id, DROP COLUMN opportunity_owner_id`,
    );
  }
}
