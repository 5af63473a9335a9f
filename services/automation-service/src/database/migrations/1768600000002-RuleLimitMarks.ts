import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7, rule limits enforced: `automation.rule_limit_marks` has one row per send that took one of its rule's slots
 * for a contact (`limits.maxPerContact` per `limits.perDays`). Like `frequency_marks`, a mark counts only while its
 * send is `sending` or later, and it is taken under a per-(tenant, rule, contact) lock, so two replicas cannot both
 * take the last slot.
 */
export class RuleLimitMarks1768600000002 implements MigrationInterface {
  name = 'RuleLimitMarks1768600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE automation.rule_limit_marks (
        send_id uuid PRIMARY KEY REFERENCES automation.sends (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        rule_key text NOT NULL,
        phone text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX rule_limit_marks_contact_idx ON automation.rule_limit_marks (tenant_id, rule_key, phone, at DESC)`,
    );
    await enableTenantRls(queryRunner, 'automation.rule_limit_marks');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'automation.rule_limit_marks');
    await queryRunner.query(`DROP TABLE automation.rule_limit_marks`);
  }
}
