import { disableTenantRls, enableTenantRls, leaseColumnsSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 8: a backfill reads one form's leads created in `[since, until)` from Meta in slices (`GET /{form}/leads`,
 * `filtering` on `time_created`, cursor paging), worked by a DurableWorker through the lease columns: safe with
 * several replicas, resumable (`resume_before`: the bulk read is newest first, so a slice resumes below the oldest
 * lead it finished), idempotent by leadgen id (the webhook receipts).
 */
export class LeadgenBackfills1768730000002 implements MigrationInterface {
  name = 'LeadgenBackfills1768730000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.leadgen_backfills (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        form_id text NOT NULL,
        page_id text NOT NULL,
        since timestamptz NOT NULL,
        until timestamptz NOT NULL,
        reason text NOT NULL CHECK (reason IN ('manual', 'page_chosen')),
        requested_by uuid,
        resume_before timestamptz,
        leads_found int NOT NULL DEFAULT 0,
        leads_published int NOT NULL DEFAULT 0,
        pages_read int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CHECK (since < until)
      )`);
    for (const sql of leaseColumnsSql('meta_ads.leadgen_backfills')) await queryRunner.query(sql);
    await queryRunner.query(`
      CREATE INDEX leadgen_backfills_due_idx ON meta_ads.leadgen_backfills (next_attempt_at)
       WHERE finished_at IS NULL AND parked_at IS NULL`);
    await queryRunner.query(
      `CREATE INDEX leadgen_backfills_tenant_idx ON meta_ads.leadgen_backfills (tenant_id, created_at DESC)`,
    );
    await enableTenantRls(queryRunner, 'meta_ads.leadgen_backfills');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'meta_ads.leadgen_backfills');
    await queryRunner.query(`DROP TABLE meta_ads.leadgen_backfills`);
  }
}
