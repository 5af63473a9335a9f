import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7, recipient protection:
 * - `contact_windows`: each contact's customer-service window (24 h after their last message, 72 h after a
 *   Click-to-WhatsApp ad), fed by `evt.meta.whatsapp.inbound`;
 * - `frequency_marks`: one row per marketing template send that took a contact's frequency-cap slot (counted while
 *   the send is `sending` or later);
 * - `protection_settings`: a tenant's frequency cap and default send window (no row = the defaults).
 */
export class RecipientProtection1768400100000 implements MigrationInterface {
  name = 'RecipientProtection1768400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE automation.contact_windows (
        tenant_id uuid NOT NULL,
        phone text NOT NULL,
        last_inbound_at timestamptz NOT NULL,
        window_ends_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, phone)
      )`);
    await queryRunner.query(`
      CREATE TABLE automation.frequency_marks (
        send_id uuid PRIMARY KEY REFERENCES automation.sends (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        phone text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX frequency_marks_contact_idx ON automation.frequency_marks (tenant_id, phone, at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE automation.protection_settings (
        tenant_id uuid PRIMARY KEY,
        marketing_per_contact int NOT NULL DEFAULT 1 CHECK (marketing_per_contact BETWEEN 1 AND 100),
        cap_hours int NOT NULL DEFAULT 24 CHECK (cap_hours BETWEEN 1 AND 720),
        send_window jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['contact_windows', 'frequency_marks', 'protection_settings']) {
      await enableTenantRls(queryRunner, `automation.${table}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['contact_windows', 'frequency_marks', 'protection_settings']) {
      await disableTenantRls(queryRunner, `automation.${table}`);
      await queryRunner.query(`DROP TABLE automation.${table}`);
    }
  }
}
