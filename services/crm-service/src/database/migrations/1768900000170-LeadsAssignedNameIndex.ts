import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A setter sees only their own leads (`assigned_user_id` = them), and sorting those by name had no index to walk:
 * the page sorted all of a setter's leads first (up to 10 s a page at 1,000,000 leads under the load benchmark's
 * 200 users, docs/BENCHMARKS.md "Load"). With it the page is the first rows of one index range, as the ceo's
 * name sort is with `leads_tenant_name_idx`.
 */
export class LeadsAssignedNameIndex1768900000170 implements MigrationInterface {
  name = 'LeadsAssignedNameIndex1768900000170';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX leads_tenant_assigned_name_idx ON crm.leads (tenant_id, assigned_user_id, name, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX crm.leads_tenant_assigned_name_idx`);
  }
}
