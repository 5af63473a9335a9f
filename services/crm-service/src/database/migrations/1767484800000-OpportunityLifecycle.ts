import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Opportunities get an owner, a lost reason and `updated_at`; sales get `refunded_at` and `updated_at`.
 * Existing rows are made consistent first (closed opportunities without `closed_at` take their creation time, lost
 * ones without a reason get `no registrado`, pending ones lose a stray `closed_at`). The lifecycle (won/lost stamp
 * `closed_at`, reopening clears it and the reason, refunds stamp `refunded_at`) is kept by the stores; no CHECK, so
 * fixtures that insert bare rows (tests, bench) stay valid.
 */
export class OpportunityLifecycle1767484800000 implements MigrationInterface {
  name = 'OpportunityLifecycle1767484800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill below touches every tenant's rows: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      ALTER TABLE crm.opportunities
        ADD COLUMN owner_user_id uuid,
        ADD COLUMN lost_reason text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT opportunities_owner_fkey FOREIGN KEY (tenant_id, owner_user_id)
          REFERENCES crm.users (tenant_id, id)`);
    await queryRunner.query(`
      UPDATE crm.opportunities
         SET closed_at = CASE WHEN status = 'pending' THEN NULL ELSE COALESCE(closed_at, created_at) END,
             lost_reason = CASE WHEN status = 'lost' THEN 'no registrado' ELSE NULL END,
             updated_at = COALESCE(closed_at, created_at)`);
    await queryRunner.query(
      `CREATE INDEX opportunities_tenant_status_created_idx ON crm.opportunities (tenant_id, status, created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX opportunities_tenant_owner_idx ON crm.opportunities (tenant_id, owner_user_id)`,
    );

    await queryRunner.query(`
      ALTER TABLE crm.sales_transactions
        ADD COLUMN refunded_at timestamptz,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await queryRunner.query(`
      UPDATE crm.sales_transactions
         SET refunded_at = CASE WHEN status = 'refunded' THEN COALESCE(completed_at, created_at) END,
             updated_at = COALESCE(completed_at, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE crm.sales_transactions DROP COLUMN refunded_at, DROP COLUMN updated_at`,
    );
    await queryRunner.query(`DROP INDEX IF EXISTS crm.opportunities_tenant_owner_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS crm.opportunities_tenant_status_created_idx`);
    await queryRunner.query(`
      ALTER TABLE crm.opportunities
        DROP COLUMN owner_user_id, DROP COLUMN lost_reason, DROP COLUMN updated_at`);
  }
}
