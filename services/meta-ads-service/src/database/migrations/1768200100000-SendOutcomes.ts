import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7: a WhatsApp send whose request may have reached Meta without an answer we can trust (timeout, 5xx, a 2xx
 * without a message id) is `unknown` — never sent again with the same idempotency key; a status webhook (by wamid or
 * callback data) settles it. `callback_data` is kept to match those webhooks; `requested_at` dates the attempt.
 */
export class SendOutcomes1768200100000 implements MigrationInterface {
  name = 'SendOutcomes1768200100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE meta_ads.sends DROP CONSTRAINT sends_status_check`);
    await queryRunner.query(`
      ALTER TABLE meta_ads.sends
        ADD CONSTRAINT sends_status_check CHECK (status IN ('requested', 'accepted', 'failed', 'unknown')),
        ADD COLUMN callback_data text,
        ADD COLUMN requested_at timestamptz`);
    await queryRunner.query(
      `CREATE INDEX sends_callback_data_idx ON meta_ads.sends (tenant_id, callback_data) WHERE callback_data IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX meta_ads.sends_callback_data_idx`);
    await queryRunner.query(`UPDATE meta_ads.sends SET status = 'requested' WHERE status = 'unknown'`);
    await queryRunner.query(`ALTER TABLE meta_ads.sends DROP CONSTRAINT sends_status_check`);
    await queryRunner.query(`
      ALTER TABLE meta_ads.sends
        DROP COLUMN callback_data,
        DROP COLUMN requested_at,
        ADD CONSTRAINT sends_status_check CHECK (status IN ('requested', 'accepted', 'failed'))`);
  }
}
