import { enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const MEASURES = `leads integer NOT NULL DEFAULT 0,
        opportunities integer NOT NULL DEFAULT 0,
        won integer NOT NULL DEFAULT 0,
        lost integer NOT NULL DEFAULT 0,
        sales integer NOT NULL DEFAULT 0,
        sales_amount numeric(16, 2) NOT NULL DEFAULT 0,
        refunds integer NOT NULL DEFAULT 0,
        refund_amount numeric(16, 2) NOT NULL DEFAULT 0`;
const SUMS = `sum(leads), sum(opportunities), sum(won), sum(lost), sum(sales), sum(sales_amount), sum(refunds),
  sum(refund_amount)`;

/**
 * Roll-ups of `attribution_daily`, kept with it (same deltas), so a long range reads few rows:
 * - `attribution_monthly`: per tenant × view × month × ad × currency (a year is 12 × ads rows, not 365 × ads);
 * - `attribution_day_totals`: per tenant × view × day × currency, no ad (the daily series);
 * - an index on `attribution_daily` by currency for the sales a dated rate converts.
 * Filled from `attribution_daily` for the tenants that already have facts.
 */
export class AttributionRollups1768700000001 implements MigrationInterface {
  name = 'AttributionRollups1768700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE marketing.attribution_monthly (
        tenant_id uuid NOT NULL,
        view text NOT NULL CHECK (view IN ('period', 'cohort')),
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        meta_ad_id text,
        currency text NOT NULL,
        ${MEASURES}
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX attribution_monthly_key ON marketing.attribution_monthly
         (tenant_id, view, month, meta_ad_id, currency) NULLS NOT DISTINCT`,
    );
    await queryRunner.query(`
      CREATE TABLE marketing.attribution_day_totals (
        tenant_id uuid NOT NULL,
        view text NOT NULL CHECK (view IN ('period', 'cohort')),
        day date NOT NULL,
        currency text NOT NULL,
        ${MEASURES},
        PRIMARY KEY (tenant_id, view, day, currency)
      )`);
    await queryRunner.query(
      `CREATE INDEX attribution_daily_currency_idx ON marketing.attribution_daily (tenant_id, view, currency, day)
        WHERE currency <> ''`,
    );
    for (const table of ['marketing.attribution_monthly', 'marketing.attribution_day_totals']) {
      await enableTenantRls(queryRunner, table);
    }
    // The backfill reads every tenant's facts: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      INSERT INTO marketing.attribution_monthly
      SELECT tenant_id, view, date_trunc('month', day)::date, meta_ad_id, currency, ${SUMS}
        FROM marketing.attribution_daily GROUP BY 1, 2, 3, 4, 5`);
    await queryRunner.query(`
      INSERT INTO marketing.attribution_day_totals
      SELECT tenant_id, view, day, currency, ${SUMS} FROM marketing.attribution_daily GROUP BY 1, 2, 3, 4`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS marketing.attribution_daily_currency_idx`);
    await queryRunner.query(`DROP TABLE IF EXISTS marketing.attribution_day_totals`);
    await queryRunner.query(`DROP TABLE IF EXISTS marketing.attribution_monthly`);
  }
}
