import { disableTenantRls, enableTenantRls, leaseColumnsSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SOURCES = `'META_ADS', 'WHATSAPP', 'WEBSITE', 'REFERRAL', 'MANUAL'`;
const STATUSES = `'receiving', 'uploaded', 'running', 'done', 'failed'`;

/**
 * CSV import of leads: the job (`lead_imports`, worked by a DurableWorker through its lease columns), its staged
 * rows (`lead_import_rows`: the file as the gateway read it, and the lead each row created) and its rejected rows
 * (`lead_import_rejects`). Leads get the `IMPORT` source, and indexes to find a lead by phone and by email (dedupe).
 */
export class LeadImports1767800000000 implements MigrationInterface {
  name = 'LeadImports1767800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.leads DROP CONSTRAINT leads_lead_source_check`);
    await queryRunner.query(
      `ALTER TABLE crm.leads ADD CONSTRAINT leads_lead_source_check
         CHECK (lead_source IN (${SOURCES}, 'IMPORT'))`,
    );
    // Exact lookups by phone and by email (an import's dedupe: 1,000 of each per batch). Plain btree indexes on
    // the column alone: for `phone = ANY(…)` the planner otherwise picks the pg_trgm GIN index (it supports `=`)
    // and each lookup takes ~70 ms on 100,000 leads; the tenant's condition comes from row-level security anyway.
    await queryRunner.query(`CREATE INDEX leads_phone_idx ON crm.leads (phone)`);
    await queryRunner.query(`CREATE INDEX leads_email_idx ON crm.leads (email) WHERE email IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE crm.lead_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        created_by uuid,
        file_name text,
        status text NOT NULL DEFAULT 'receiving' CHECK (status IN (${STATUSES})),
        header text[] NOT NULL,
        total_rows int NOT NULL CHECK (total_rows > 0),
        mapping jsonb,
        processed_rows int NOT NULL DEFAULT 0,
        created_count int NOT NULL DEFAULT 0,
        duplicate_count int NOT NULL DEFAULT 0,
        rejected_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT lead_imports_tenant_id_id_key UNIQUE (tenant_id, id),
        CONSTRAINT lead_imports_created_by_fkey FOREIGN KEY (tenant_id, created_by)
          REFERENCES crm.users (tenant_id, id)
      )`);
    for (const sql of leaseColumnsSql('crm.lead_imports')) await queryRunner.query(sql);
    await queryRunner.query(
      `CREATE INDEX lead_imports_due_idx ON crm.lead_imports (next_attempt_at)
         WHERE status = 'running' AND parked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX lead_imports_tenant_created_idx ON crm.lead_imports (tenant_id, created_at DESC)`,
    );
    await enableTenantRls(queryRunner, 'crm.lead_imports');

    await queryRunner.query(`
      CREATE TABLE crm.lead_import_rows (
        tenant_id uuid NOT NULL,
        import_id uuid NOT NULL,
        row_number int NOT NULL,
        cells text[] NOT NULL,
        lead_id uuid,
        PRIMARY KEY (import_id, row_number),
        FOREIGN KEY (tenant_id, import_id) REFERENCES crm.lead_imports (tenant_id, id) ON DELETE CASCADE
      )`);
    await enableTenantRls(queryRunner, 'crm.lead_import_rows');

    await queryRunner.query(`
      CREATE TABLE crm.lead_import_rejects (
        tenant_id uuid NOT NULL,
        import_id uuid NOT NULL,
        row_number int NOT NULL,
        cells text[] NOT NULL,
        reason text NOT NULL,
        lead_name text,
        duplicate_of_row int,
        PRIMARY KEY (import_id, row_number),
        FOREIGN KEY (tenant_id, import_id) REFERENCES crm.lead_imports (tenant_id, id) ON DELETE CASCADE
      )`);
    await enableTenantRls(queryRunner, 'crm.lead_import_rejects');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['crm.lead_import_rejects', 'crm.lead_import_rows', 'crm.lead_imports']) {
      await disableTenantRls(queryRunner, table);
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query(`DROP INDEX crm.leads_email_idx`);
    await queryRunner.query(`DROP INDEX crm.leads_phone_idx`);
    await queryRunner.query(`ALTER TABLE crm.leads DROP CONSTRAINT leads_lead_source_check`);
    await queryRunner.query(
      `ALTER TABLE crm.leads ADD CONSTRAINT leads_lead_source_check CHECK (lead_source IN (${SOURCES}))`,
    );
  }
}
