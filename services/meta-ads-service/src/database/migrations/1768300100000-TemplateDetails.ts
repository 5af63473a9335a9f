import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `meta_ads.templates` keeps everything the app shows of a template: quality score, Meta's reason and
 * `rejection_info`, the category change, and when its status and quality last changed (Meta's event time, so an
 * older webhook delivered late does not overwrite a newer state).
 */
export class TemplateDetails1768300100000 implements MigrationInterface {
  name = 'TemplateDetails1768300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE meta_ads.templates
        ADD COLUMN sub_category text,
        ADD COLUMN previous_category text,
        ADD COLUMN parameter_format text,
        ADD COLUMN quality_score text,
        ADD COLUMN quality_updated_at timestamptz,
        ADD COLUMN reason text,
        ADD COLUMN rejection_info jsonb,
        ADD COLUMN status_updated_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE meta_ads.templates
        DROP COLUMN sub_category,
        DROP COLUMN previous_category,
        DROP COLUMN parameter_format,
        DROP COLUMN quality_score,
        DROP COLUMN quality_updated_at,
        DROP COLUMN reason,
        DROP COLUMN rejection_info,
        DROP COLUMN status_updated_at`);
  }
}
