import type { MigrationInterface, QueryRunner } from 'typeorm';
import { periodicScheduleMigrationSql } from '@crm/nest-common';

/** The daily retention job (`RetentionModule`) runs once across replicas: a tick claims the day in this row. */
export class RetentionSchedule1768900000100 implements MigrationInterface {
  name = 'RetentionSchedule1768900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of periodicScheduleMigrationSql('crm.retention_schedule')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE crm.retention_schedule`);
  }
}
