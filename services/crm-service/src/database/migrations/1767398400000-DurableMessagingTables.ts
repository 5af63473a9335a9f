import { durableTablesMigrationSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox gets its relay's lease columns; consumers park what they give up on in `crm.dead_letters`. */
export class DurableMessagingTables1767398400000 implements MigrationInterface {
  name = 'DurableMessagingTables1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of durableTablesMigrationSql('crm')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS crm.dead_letters`);
    await queryRunner.query(`DROP INDEX IF EXISTS crm.outbox_due_idx`);
    for (const column of [
      'attempts',
      'next_attempt_at',
      'locked_until',
      'lease_owner',
      'last_error',
      'parked_at',
    ]) {
      await queryRunner.query(`ALTER TABLE crm.outbox DROP COLUMN IF EXISTS ${column}`);
    }
  }
}
