import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two of the indexes every inserted lead writes are served by others (docs/BENCHMARKS.md, "CSV import of 10,000
 * leads"): one 1,000-lead INSERT writes 13% fewer WAL records without them.
 * - `leads_phone_idx (phone)` was added for the import's dedupe (`tenant_id = $1 AND phone = ANY(…)`) while the
 *   pg_trgm GIN index on `leads.phone` lured the planner away from `leads_tenant_phone_key`; that GIN index moved to
 *   `crm.lead_search`, and the lookup now uses `leads_tenant_phone_key (tenant_id, phone)`.
 * - `leads_tenant_assigned_user_idx (tenant_id, assigned_user_id)` is a prefix of
 *   `leads_tenant_assigned_created_idx (tenant_id, assigned_user_id, created_at, id)`.
 */
export class DropRedundantLeadIndexes1767970010000 implements MigrationInterface {
  name = 'DropRedundantLeadIndexes1767970010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX crm.leads_phone_idx`);
    await queryRunner.query(`DROP INDEX crm.leads_tenant_assigned_user_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX leads_phone_idx ON crm.leads (phone)`);
    await queryRunner.query(
      `CREATE INDEX leads_tenant_assigned_user_idx ON crm.leads (tenant_id, assigned_user_id)
         WHERE assigned_user_id IS NOT NULL`,
    );
  }
}
