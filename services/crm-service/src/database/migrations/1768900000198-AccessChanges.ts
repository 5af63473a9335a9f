import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed change to a session's access (role, deactivation, password, revocation), written in the
 * transaction of the change, so that no commit goes untold: each gateway replica polls the last 30 s of it every
 * second (`crm.access.changes`) and may then trust a cached `crm.users.access` answer for up to 60 s instead of 5 s.
 * `created_at` is the insert's clock time (the last statement of its transaction), not the transaction's start, so a
 * row is inside the polled window by the time it commits. Both ids null: every session (a tenant was deleted).
 * Rows older than a day are deleted by the retention job.
 */
export class AccessChanges1768900000198 implements MigrationInterface {
  name = 'AccessChanges1768900000198';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm.access_changes (
        seq bigserial PRIMARY KEY,
        tenant_id uuid,
        user_id uuid,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((tenant_id IS NULL) = (user_id IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX access_changes_created_at_idx ON crm.access_changes (created_at)`);
    await enableTenantRls(queryRunner, 'crm.access_changes');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'crm.access_changes');
    await queryRunner.query(`DROP TABLE crm.access_changes`);
  }
}
