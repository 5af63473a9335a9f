import { durableTablesMigrationSql, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TENANT_TABLES = [
  'marketing.read_model_tenants',
  'marketing.attribution_leads',
  'marketing.attribution_opportunities',
  'marketing.attribution_sales',
  'marketing.attribution_daily',
  'marketing.fx_rates',
];

/**
 * The Marketing Hub read model (issue 8), built from the CRM's durable events:
 * - `read_model_tenants`: per tenant, the timezone its days are bucketed in and when it was last rebuilt;
 * - `attribution_leads|opportunities|sales`: the last known state of each lead, opportunity and sale, with its
 *   version (the CRM row's `updated_at`), so an event older than what is stored changes nothing;
 * - `attribution_daily`: additive facts per tenant × view (period|cohort) × day × ad (NULL = Meta lead with no ad)
 *   × currency ('' for the counts that have none) — what a report reads;
 * - `fx_rates`: dated exchange rates entered by the ceo.
 * Plus `dead_letters` for the consumers. Every table is tenant-scoped with row-level security.
 */
export class AttributionReadModel1768700000000 implements MigrationInterface {
  name = 'AttributionReadModel1768700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE marketing.read_model_tenants (
        tenant_id uuid PRIMARY KEY,
        timezone text NOT NULL,
        rebuilt_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE marketing.attribution_leads (
        tenant_id uuid NOT NULL,
        lead_id uuid NOT NULL,
        is_meta boolean NOT NULL,
        meta_ad_id text,
        meta_adset_id text,
        meta_campaign_id text,
        created_at timestamptz NOT NULL,
        version timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, lead_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE marketing.attribution_opportunities (
        tenant_id uuid NOT NULL,
        opportunity_id uuid NOT NULL,
        lead_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'won', 'lost')),
        created_at timestamptz,
        closed_at timestamptz,
        version timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, opportunity_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX attribution_opportunities_lead_idx ON marketing.attribution_opportunities (tenant_id, lead_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE marketing.attribution_sales (
        tenant_id uuid NOT NULL,
        sale_id uuid NOT NULL,
        lead_id uuid NOT NULL,
        opportunity_id uuid,
        amount numeric(14, 2) NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('pending', 'completed', 'refunded')),
        completed_at timestamptz,
        refunded_at timestamptz,
        version timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, sale_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX attribution_sales_lead_idx ON marketing.attribution_sales (tenant_id, lead_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE marketing.attribution_daily (
        tenant_id uuid NOT NULL,
        view text NOT NULL CHECK (view IN ('period', 'cohort')),
        day date NOT NULL,
        meta_ad_id text,
        currency text NOT NULL,
        leads integer NOT NULL DEFAULT 0,
        opportunities integer NOT NULL DEFAULT 0,
        won integer NOT NULL DEFAULT 0,
        lost integer NOT NULL DEFAULT 0,
        sales integer NOT NULL DEFAULT 0,
        sales_amount numeric(16, 2) NOT NULL DEFAULT 0,
        refunds integer NOT NULL DEFAULT 0,
        refund_amount numeric(16, 2) NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX attribution_daily_key ON marketing.attribution_daily
         (tenant_id, view, day, meta_ad_id, currency) NULLS NOT DISTINCT`,
    );
    await queryRunner.query(`
      CREATE TABLE marketing.fx_rates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        day date NOT NULL,
        from_currency text NOT NULL CHECK (from_currency ~ '^[A-Z]{3}$'),
        to_currency text NOT NULL CHECK (to_currency ~ '^[A-Z]{3}$'),
        rate numeric(20, 10) NOT NULL CHECK (rate > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fx_rates_pair_check CHECK (from_currency <> to_currency),
        CONSTRAINT fx_rates_tenant_pair_day_key UNIQUE (tenant_id, from_currency, to_currency, day)
      )`);
    for (const sql of durableTablesMigrationSql('marketing', ['dead_letters'])) await queryRunner.query(sql);
    for (const table of TENANT_TABLES) await enableTenantRls(queryRunner, table);
    await queryRunner.query(
      `ALTER TABLE marketing.report_snapshots DROP CONSTRAINT report_snapshots_kind_check,
         ADD CONSTRAINT report_snapshots_kind_check CHECK (kind IN ('stats', 'roi', 'report_period', 'report_cohort'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM marketing.report_snapshots WHERE kind LIKE 'report_%'`);
    await queryRunner.query(
      `ALTER TABLE marketing.report_snapshots DROP CONSTRAINT report_snapshots_kind_check,
         ADD CONSTRAINT report_snapshots_kind_check CHECK (kind IN ('stats', 'roi'))`,
    );
    for (const table of [...TENANT_TABLES].reverse())
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    await queryRunner.query(`DROP TABLE IF EXISTS marketing.dead_letters`);
  }
}
