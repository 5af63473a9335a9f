import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ad catalogue keeps each ad's creative (thumbnail, image, title, body) for the lead 360 AdContextCard. */
export class AdCreatives1767610000000 implements MigrationInterface {
  name = 'AdCreatives1767610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE meta_ads.ads
        ADD COLUMN creative_id text,
        ADD COLUMN creative_thumbnail_url text,
        ADD COLUMN creative_image_url text,
        ADD COLUMN creative_title text,
        ADD COLUMN creative_body text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE meta_ads.ads
        DROP COLUMN creative_id,
        DROP COLUMN creative_thumbnail_url,
        DROP COLUMN creative_image_url,
        DROP COLUMN creative_title,
        DROP COLUMN creative_body`);
  }
}
