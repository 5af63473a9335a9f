import { disableTenantRls, enableTenantRls, leaseColumnsSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_TENANT_TABLES = ['meta_ads.released_assets', 'meta_ads.held_webhooks'];

/**
 * Webhooks for a disconnected tenant's assets are kept, not acked and dropped. `released_assets`: the number, WABA
 * and pages a tenant held when it disconnected (who a webhook for an asset nobody routes belongs to);
 * `held_webhooks`: the webhook parts kept for that tenant, replayed in order (a `DurableWorker`, lease columns)
 * once its connection routes the asset again. Both are purged after `HELD_WEBHOOK_RETENTION_HOURS`.
 */
export class HeldWebhooks1768750000000 implements MigrationInterface {
  name = 'HeldWebhooks1768750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.released_assets (
        tenant_id uuid NOT NULL,
        asset_kind text NOT NULL CHECK (asset_kind IN ('phone_number', 'waba', 'page')),
        asset_id text NOT NULL,
        released_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT released_assets_pkey PRIMARY KEY (tenant_id, asset_kind, asset_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX released_assets_asset_idx ON meta_ads.released_assets (asset_kind, asset_id, released_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE meta_ads.held_webhooks (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL,
        asset_kind text NOT NULL CHECK (asset_kind IN ('phone_number', 'waba', 'page')),
        asset_id text NOT NULL,
        part_key text NOT NULL,
        part jsonb NOT NULL,
        received_at timestamptz NOT NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT held_webhooks_part_key UNIQUE (tenant_id, part_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX held_webhooks_tenant_idx ON meta_ads.held_webhooks (tenant_id, received_at, id)`,
    );
    await queryRunner.query(`CREATE INDEX held_webhooks_held_at_idx ON meta_ads.held_webhooks (held_at)`);
    for (const sql of leaseColumnsSql('meta_ads.held_webhooks')) await queryRunner.query(sql);
    for (const table of NEW_TENANT_TABLES) await enableTenantRls(queryRunner, table);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of NEW_TENANT_TABLES) await disableTenantRls(queryRunner, table);
    await queryRunner.query(`DROP TABLE IF EXISTS meta_ads.held_webhooks`);
    await queryRunner.query(`DROP TABLE IF EXISTS meta_ads.released_assets`);
  }
}
