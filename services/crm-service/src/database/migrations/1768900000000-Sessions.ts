import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 9: server-side sessions. The session JWT carries the row's id (`sid`); the gateway checks on every request
 * (cached ≤ 5 s) that it is neither revoked nor expired, so logout, "log out everywhere", a password change and a
 * deactivation end sessions within seconds. Rows expired or revoked long ago are deleted by `SessionRetention`.
 */
export class Sessions1768900000000 implements MigrationInterface {
  name = 'Sessions1768900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm.sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        user_agent text CHECK (length(user_agent) <= 200),
        FOREIGN KEY (tenant_id, user_id) REFERENCES crm.users (tenant_id, id) ON DELETE CASCADE
      )`);
    // A user's live sessions (revoke all, revoke all but one).
    await queryRunner.query(
      `CREATE INDEX sessions_user_live_idx ON crm.sessions (tenant_id, user_id) WHERE revoked_at IS NULL`,
    );
    // Retention: rows whose expiry or revocation is old.
    await queryRunner.query(
      `CREATE INDEX sessions_done_idx ON crm.sessions (LEAST(expires_at, COALESCE(revoked_at, expires_at)))`,
    );
    await enableTenantRls(queryRunner, 'crm.sessions');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'crm.sessions');
    await queryRunner.query(`DROP TABLE crm.sessions`);
  }
}
