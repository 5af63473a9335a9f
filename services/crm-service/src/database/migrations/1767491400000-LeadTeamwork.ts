import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'nuevo', 'contactado', 'calificado', 'llamada_agendada', 'negociacion', 'cerrado_ganado', 'cerrado_perdido'`;

/**
 * Leads a team can work: notes and tags on a lead, an `active` flag on users (only active setters get new leads),
 * the round-robin cursor of each tenant, and the indexes the filtered, keyset-paged and searched lead list needs
 * at 1M leads per tenant (docs/BENCHMARKS.md). `pg_trgm` is a trusted extension: the schema owner may create it.
 */
export class LeadTeamwork1767491400000 implements MigrationInterface {
  name = 'LeadTeamwork1767491400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE crm.users ADD COLUMN IF NOT EXISTS active boolean NOT NULL DEFAULT true`,
    );
    await queryRunner.query(`
      ALTER TABLE crm.leads
        ADD COLUMN notes text CHECK (length(notes) <= 5000),
        ADD COLUMN tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20)`);

    await queryRunner.query(`
      CREATE TABLE crm.assignment_cursors (
        tenant_id uuid PRIMARY KEY REFERENCES crm.tenants (id) ON DELETE CASCADE,
        last_user_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await enableTenantRls(queryRunner, 'crm.assignment_cursors');

    // Keyset paging: every order ends with id so a page boundary is exact.
    await queryRunner.query(`DROP INDEX crm.leads_tenant_created_idx`);
    await queryRunner.query(`DROP INDEX crm.leads_tenant_status_idx`);
    await queryRunner.query(
      `CREATE INDEX leads_tenant_created_id_idx ON crm.leads (tenant_id, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX leads_tenant_status_created_idx ON crm.leads (tenant_id, status, created_at, id)`,
    );
    await queryRunner.query(`CREATE INDEX leads_tenant_name_idx ON crm.leads (tenant_id, name, id)`);
    // Sort by pipeline stage (its fixed order), newest first within a stage: the same expression as the lead store.
    await queryRunner.query(
      `CREATE INDEX leads_tenant_stage_created_idx ON crm.leads
         (tenant_id, (array_position(ARRAY[${STATUSES}]::text[], status)), created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX leads_tenant_assigned_created_idx ON crm.leads (tenant_id, assigned_user_id, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX leads_tenant_campaign_created_idx ON crm.leads (tenant_id, meta_campaign_id, created_at, id)
         WHERE meta_campaign_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX leads_tenant_ad_created_idx ON crm.leads (tenant_id, meta_ad_id, created_at, id)
         WHERE meta_ad_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX leads_tags_idx ON crm.leads USING gin (tags)`);

    // Search by fragment (ILIKE '%…%') of name, email and phone digits.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    for (const column of ['name', 'email', 'phone']) {
      await queryRunner.query(
        `CREATE INDEX leads_${column}_trgm_idx ON crm.leads USING gin (${column} public.gin_trgm_ops)`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'leads_name_trgm_idx',
      'leads_email_trgm_idx',
      'leads_phone_trgm_idx',
      'leads_tags_idx',
      'leads_tenant_ad_created_idx',
      'leads_tenant_campaign_created_idx',
      'leads_tenant_assigned_created_idx',
      'leads_tenant_name_idx',
      'leads_tenant_stage_created_idx',
      'leads_tenant_status_created_idx',
      'leads_tenant_created_id_idx',
    ]) {
      await queryRunner.query(`DROP INDEX IF EXISTS crm.${index}`);
    }
    await queryRunner.query(`CREATE INDEX leads_tenant_created_idx ON crm.leads (tenant_id, created_at)`);
    await queryRunner.query(`CREATE INDEX leads_tenant_status_idx ON crm.leads (tenant_id, status)`);
    await disableTenantRls(queryRunner, 'crm.assignment_cursors');
    await queryRunner.query(`DROP TABLE crm.assignment_cursors`);
    await queryRunner.query(`ALTER TABLE crm.leads DROP COLUMN tags, DROP COLUMN notes`);
  }
}
