import { durableTablesMigrationSql, leaseColumnsSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook events are enqueued in `meta_ads.outbox` in the transaction that records their receipt (no more
 * publish-then-record); consumers park what they give up on in `meta_ads.dead_letters`; the Lead Ads pending
 * sweep becomes a DurableWorker over `pending_leadgen`, which gets the lease columns.
 */
export class DurableMessagingTables1767225900000 implements MigrationInterface {
  name = 'DurableMessagingTables1767225900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      ...durableTablesMigrationSql('meta_ads'),
      ...leaseColumnsSql('meta_ads.pending_leadgen'),
    ]) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['locked_until', 'lease_owner', 'parked_at']) {
      await queryRunner.query(`ALTER TABLE meta_ads.pending_leadgen DROP COLUMN IF EXISTS ${column}`);
    }
    for (const table of ['dead_letters', 'outbox']) {
      await queryRunner.query(`DROP TABLE IF EXISTS meta_ads.${table}`);
    }
  }
}
