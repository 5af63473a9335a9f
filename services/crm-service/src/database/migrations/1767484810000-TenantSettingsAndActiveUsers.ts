import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenant settings and user deactivation: `crm.tenants.locale` (the UI language, `es-MX` or `en-US`) and
 * `crm.users.active` (a deactivated user can neither sign in nor use an existing session).
 */
export class TenantSettingsAndActiveUsers1767484810000 implements MigrationInterface {
  name = 'TenantSettingsAndActiveUsers1767484810000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE crm.tenants
        ADD COLUMN locale text NOT NULL DEFAULT 'es-MX'
          CONSTRAINT tenants_locale_check CHECK (locale IN ('es-MX', 'en-US'))`);
    await queryRunner.query(`ALTER TABLE crm.users ADD COLUMN active boolean NOT NULL DEFAULT true`);
    // The sellers overview aggregates leads by their assigned user.
    await queryRunner.query(
      `CREATE INDEX leads_tenant_assigned_user_idx ON crm.leads (tenant_id, assigned_user_id)
         WHERE assigned_user_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS crm.leads_tenant_assigned_user_idx`);
    await queryRunner.query(`ALTER TABLE crm.users DROP COLUMN IF EXISTS active`);
    await queryRunner.query(`ALTER TABLE crm.tenants DROP COLUMN IF EXISTS locale`);
  }
}
