import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The periodic template sync runs once across replicas: each replica's tick tries to move `next_run_at` forward
 * (`UPDATE … WHERE next_run_at <= now()`), and only the one that moved it syncs every connected WABA. No tenant
 * column: it is the service's own schedule (like `dead_letters`), so no row-level security.
 */
export class TemplateSyncSchedule1768300100001 implements MigrationInterface {
  name = 'TemplateSyncSchedule1768300100001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.template_sync_schedule (
        id smallint PRIMARY KEY CHECK (id = 1),
        next_run_at timestamptz NOT NULL,
        last_owner text,
        last_started_at timestamptz
      )`);
    await queryRunner.query(
      `INSERT INTO meta_ads.template_sync_schedule (id, next_run_at) VALUES (1, now())`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE meta_ads.template_sync_schedule`);
  }
}
