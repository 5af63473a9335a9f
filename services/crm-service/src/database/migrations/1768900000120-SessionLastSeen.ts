import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a session was last used, to the minute: the gateway's liveness check (`crm.users.access`, at most every few
 * seconds per session) moves it forward when it is more than a minute old. Shown in "active sessions".
 */
export class SessionLastSeen1768900000120 implements MigrationInterface {
  name = 'SessionLastSeen1768900000120';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.sessions ADD COLUMN last_seen_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.sessions DROP COLUMN last_seen_at`);
  }
}
