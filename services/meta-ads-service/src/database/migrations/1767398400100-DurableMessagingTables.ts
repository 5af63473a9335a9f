import {
  disableTenantRls,
  durableTablesMigrationSql,
  enableTenantRls,
  leaseColumnsSql,
} from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_TENANT_TABLES = ['meta_ads.outbox'];

/**
 * Webhook events are enqueued in `meta_ads.outbox` in the transaction that records their receipt (no more
 * publish-then-record); consumers park what they give up on in `meta_ads.dead_letters`; the Lead Ads pending
 * sweep becomes a DurableWorker over `pending_leadgen`, which gets the lease columns. The new tenant tables get
 * row-level security like every other (`dead_letters` has no tenant: it is ops' table).
 */
export class DurableMessagingTables1767398400100 implements MigrationInterface {
  name = 'DurableMessagingTables1767398400100';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      ...durableTablesMigrationSql('meta_ads', ['outbox', 'dead_letters']),
      ...leaseColumnsSql('meta_ads.pending_leadgen'),
    ]) {
      await queryRunner.query(sql);
    }
    for (const table of NEW_TENANT_TABLES) await enableTenantRls(queryRunner, table);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of NEW_TENANT_TABLES) await disableTenantRls(queryRunner, table);
    for (const column of ['locked_until', 'lease_owner', 'parked_at']) {
      await queryRunner.query(`ALTER TABLE meta_ads.pending_leadgen DROP COLUMN IF EXISTS ${column}`);
    }
    for (const table of ['dead_letters', 'outbox']) {
      await queryRunner.query(`DROP TABLE IF EXISTS meta_ads.${table}`);
    }
  }
}
