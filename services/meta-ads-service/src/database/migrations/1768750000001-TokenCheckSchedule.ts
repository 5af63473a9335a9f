import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The periodic `debug_token` check of every connected token runs once across replicas, like the template sync: a
 * tick claims the period by moving `next_run_at` forward in one UPDATE. No tenant column (the service's own
 * schedule), so no row-level security.
 */
export class TokenCheckSchedule1768750000001 implements MigrationInterface {
  name = 'TokenCheckSchedule1768750000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.token_check_schedule (
        id smallint PRIMARY KEY CHECK (id = 1),
        next_run_at timestamptz NOT NULL,
        last_owner text,
        last_started_at timestamptz
      )`);
    await queryRunner.query(`INSERT INTO meta_ads.token_check_schedule (id, next_run_at) VALUES (1, now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE meta_ads.token_check_schedule`);
  }
}
