import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7, exactly-once sends. Each claimed send carries its own lease (`lease_token`, `lease_until`), and
 * `requested_at` marks the moment the request to meta-ads-service was about to leave: a send whose lease ran out
 * before that is still certainly unsent (back to `scheduled`), after it the outcome is `unknown`. `send_pauses`
 * holds tenants whose sends wait for a healthy Meta connection (token expired, 190): their sends stay scheduled.
 */
export class SendLeasesAndPauses1768200000000 implements MigrationInterface {
  name = 'SendLeasesAndPauses1768200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE automation.sends
        ADD COLUMN lease_token uuid,
        ADD COLUMN lease_until timestamptz,
        ADD COLUMN requested_at timestamptz`);
    await queryRunner.query(
      `CREATE INDEX sends_sending_lease_idx ON automation.sends (lease_until) WHERE status = 'sending'`,
    );
    await queryRunner.query(
      `CREATE INDEX sends_unknown_idx ON automation.sends (updated_at) WHERE status = 'unknown'`,
    );
    await queryRunner.query(`
      CREATE TABLE automation.send_pauses (
        tenant_id uuid PRIMARY KEY,
        reason text NOT NULL CHECK (reason IN ('token_expired')),
        message text NOT NULL,
        paused_at timestamptz NOT NULL DEFAULT now(),
        recheck_at timestamptz NOT NULL
      )`);
    await enableTenantRls(queryRunner, 'automation.send_pauses');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'automation.send_pauses');
    await queryRunner.query(`DROP TABLE automation.send_pauses`);
    await queryRunner.query(`DROP INDEX automation.sends_unknown_idx`);
    await queryRunner.query(`DROP INDEX automation.sends_sending_lease_idx`);
    await queryRunner.query(
      `ALTER TABLE automation.sends DROP COLUMN lease_token, DROP COLUMN lease_until, DROP COLUMN requested_at`,
    );
  }
}
