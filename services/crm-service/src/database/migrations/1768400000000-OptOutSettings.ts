import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_KINDS = `'created', 'status_changed', 'assigned', 'opportunity_created', 'opportunity_won', 'opportunity_lost',
  'opportunity_deadline_moved', 'sale_completed', 'sale_refunded'`;

/**
 * Issue 7 (recipient protection): each tenant's opt-out keywords and opt-out quick-reply button texts, and the lead
 * history records opt-outs and opt-ins (`opted_out`, `opted_in`).
 */
export class OptOutSettings1768400000000 implements MigrationInterface {
  name = 'OptOutSettings1768400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE crm.tenants
        ADD COLUMN opt_out_keywords text[] NOT NULL DEFAULT ARRAY['STOP', 'BAJA', 'CANCELAR'],
        ADD COLUMN opt_out_button_texts text[] NOT NULL
          DEFAULT ARRAY['Stop promotions', 'Detener promociones', 'Darme de baja']`);
    await queryRunner.query(`ALTER TABLE crm.lead_activity DROP CONSTRAINT lead_activity_kind_check`);
    await queryRunner.query(
      `ALTER TABLE crm.lead_activity ADD CONSTRAINT lead_activity_kind_check
         CHECK (kind IN (${OLD_KINDS}, 'opted_out', 'opted_in'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM crm.lead_activity WHERE kind IN ('opted_out', 'opted_in')`);
    await queryRunner.query(`ALTER TABLE crm.lead_activity DROP CONSTRAINT lead_activity_kind_check`);
    await queryRunner.query(
      `ALTER TABLE crm.lead_activity ADD CONSTRAINT lead_activity_kind_check CHECK (kind IN (${OLD_KINDS}))`,
    );
    await queryRunner.query(
      `ALTER TABLE crm.tenants DROP COLUMN opt_out_keywords, DROP COLUMN opt_out_button_texts`,
    );
  }
}
