import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 8: the Lead Ads forms of the tenant's Pages, synced from Meta (`GET /{page}/leadgen_forms`), with their
 * questions and the tenant's mapping of question keys to CRM fields (null: every question follows its default).
 * `lead_form_sync_schedule` is the periodic sync's claim (one row, no tenant: the service's own schedule, like
 * `template_sync_schedule`).
 */
export class LeadForms1768730000001 implements MigrationInterface {
  name = 'LeadForms1768730000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.lead_forms (
        tenant_id uuid NOT NULL,
        form_id text NOT NULL,
        page_id text NOT NULL,
        name text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'ACTIVE',
        locale text,
        questions jsonb NOT NULL DEFAULT '[]',
        mapping jsonb,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, form_id)
      )`);
    await queryRunner.query(`CREATE INDEX lead_forms_page_idx ON meta_ads.lead_forms (tenant_id, page_id)`);
    await enableTenantRls(queryRunner, 'meta_ads.lead_forms');
    await queryRunner.query(`
      CREATE TABLE meta_ads.lead_form_sync_schedule (
        id smallint PRIMARY KEY CHECK (id = 1),
        next_run_at timestamptz NOT NULL,
        last_owner text,
        last_started_at timestamptz
      )`);
    await queryRunner.query(
      `INSERT INTO meta_ads.lead_form_sync_schedule (id, next_run_at) VALUES (1, now())`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE meta_ads.lead_form_sync_schedule`);
    await disableTenantRls(queryRunner, 'meta_ads.lead_forms');
    await queryRunner.query(`DROP TABLE meta_ads.lead_forms`);
  }
}
