import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 8: the Conversions API log names the lead (the name when its event was queued). */
export class ConversionLeadName1768760000001 implements MigrationInterface {
  name = 'ConversionLeadName1768760000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE meta_ads.conversion_events ADD COLUMN lead_name text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE meta_ads.conversion_events DROP COLUMN lead_name`);
  }
}
