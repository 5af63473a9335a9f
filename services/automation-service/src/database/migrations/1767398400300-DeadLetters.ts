import { durableTablesMigrationSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Consumers park what they give up on in `automation.dead_letters`. */
export class DeadLetters1767398400300 implements MigrationInterface {
  name = 'DeadLetters1767398400300';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of durableTablesMigrationSql('automation', ['dead_letters'])) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS automation.dead_letters`);
  }
}
