import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7, no re-send on inference alone: a send whose request began and was never settled is taken as not sent only
 * on evidence — WhatsApp has since reported a status for a message from the same number whose request began after
 * this one's had ended (plus a grace): Meta reports in order per number. The columns that takes:
 * - `phone_number_id`: the number the send went from (rows before this migration have none: no evidence for them);
 * - `request_ended_at`: when its request ended without an answer we could trust (a 5xx, a 2xx without a wamid, a
 *   timeout); null while in flight or when its replica died mid-call (then the call's timeout bounds it);
 * - `status_reported_at`: when WhatsApp first reported a status for its wamid.
 */
export class SendOutcomeEvidence1768610000000 implements MigrationInterface {
  name = 'SendOutcomeEvidence1768610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE meta_ads.sends
        ADD COLUMN phone_number_id text,
        ADD COLUMN request_ended_at timestamptz,
        ADD COLUMN status_reported_at timestamptz`);
    await queryRunner.query(
      `CREATE INDEX sends_reported_by_number_idx ON meta_ads.sends (tenant_id, phone_number_id, requested_at)
        WHERE status_reported_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX meta_ads.sends_reported_by_number_idx`);
    await queryRunner.query(`
      ALTER TABLE meta_ads.sends
        DROP COLUMN phone_number_id,
        DROP COLUMN request_ended_at,
        DROP COLUMN status_reported_at`);
  }
}
