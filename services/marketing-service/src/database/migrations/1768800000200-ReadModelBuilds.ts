import { leaseColumnsSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read model's first build runs in the background (`ReadModelBuilder`): a `read_model_tenants` row whose
 * `rebuilt_at` is null is work for a `DurableWorker` — the lease columns make one replica build it at a time
 * (claimed with `FOR UPDATE SKIP LOCKED`, the lease renewed after each page), `build_leads_read` is its progress
 * (the leads stored so far, shown by a report that has to wait). Row-level security is already on the table.
 */
export class ReadModelBuilds1768800000200 implements MigrationInterface {
  name = 'ReadModelBuilds1768800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of leaseColumnsSql('marketing.read_model_tenants')) await queryRunner.query(sql);
    await queryRunner.query(`ALTER TABLE marketing.read_model_tenants ADD COLUMN build_leads_read integer`);
    await queryRunner.query(
      `CREATE INDEX read_model_tenants_unbuilt_idx ON marketing.read_model_tenants (next_attempt_at)
        WHERE rebuilt_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX marketing.read_model_tenants_unbuilt_idx`);
    await queryRunner.query(
      `ALTER TABLE marketing.read_model_tenants
         DROP COLUMN build_leads_read, DROP COLUMN attempts, DROP COLUMN next_attempt_at, DROP COLUMN locked_until,
         DROP COLUMN lease_owner, DROP COLUMN last_error, DROP COLUMN parked_at`,
    );
  }
}
