import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `meta_ads.sends` also records free-form text messages (the CRM's chat replies): a `kind` column, and the template
 * name and language only for template sends. Existing rows are templates.
 */
export class FreeFormTextSends1767710000000 implements MigrationInterface {
  name = 'FreeFormTextSends1767710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE meta_ads.sends
        ADD COLUMN kind text NOT NULL DEFAULT 'template' CHECK (kind IN ('template', 'text')),
        ALTER COLUMN template_name DROP NOT NULL,
        ALTER COLUMN language DROP NOT NULL,
        ADD CONSTRAINT sends_template_named
          CHECK (kind <> 'template' OR (template_name IS NOT NULL AND language IS NOT NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM meta_ads.sends WHERE kind = 'text'`);
    await queryRunner.query(`
      ALTER TABLE meta_ads.sends
        DROP CONSTRAINT sends_template_named,
        DROP COLUMN kind,
        ALTER COLUMN template_name SET NOT NULL,
        ALTER COLUMN language SET NOT NULL`);
  }
}
