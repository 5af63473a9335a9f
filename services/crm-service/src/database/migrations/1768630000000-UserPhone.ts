import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7 (variable mapping): a user's phone, optional, in E.164 as leads' phones are (`normalizePhone`), so a
 * template's `seller.phone` has a value. Not unique: two sellers may share an office line.
 */
export class UserPhone1768630000000 implements MigrationInterface {
  name = 'UserPhone1768630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE crm.users ADD COLUMN phone text CHECK (phone ~ '^\\+[1-9][0-9]{7,14}$')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.users DROP COLUMN phone`);
  }
}
