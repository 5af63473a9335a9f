import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 8 (Lead Ads complete): a Lead Ads lead that left an email and no phone is kept. `crm.leads.phone` (and its
 * copy in `crm.lead_search`) may be null, but only for such a lead: one from a Meta form (`meta_leadgen_id`) with an
 * email. Every other lead keeps a phone, and `(tenant_id, phone)` stays unique among the leads that have one.
 */
export class LeadAdsEmailOnlyLeads1768740000000 implements MigrationInterface {
  name = 'LeadAdsEmailOnlyLeads1768740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE crm.leads
        ALTER COLUMN phone DROP NOT NULL,
        ADD CONSTRAINT leads_phone_or_lead_ads_email CHECK (
          phone IS NOT NULL OR (lead_source = 'META_ADS' AND meta_leadgen_id IS NOT NULL AND email IS NOT NULL))`);
    await queryRunner.query(`ALTER TABLE crm.lead_search ALTER COLUMN phone DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Leads without a phone cannot be kept by the older schema.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`DELETE FROM crm.leads WHERE phone IS NULL`);
    await queryRunner.query(`ALTER TABLE crm.lead_search ALTER COLUMN phone SET NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE crm.leads DROP CONSTRAINT leads_phone_or_lead_ads_email, ALTER COLUMN phone SET NOT NULL`);
  }
}
