import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates every table of the `marketing` schema. Append-only: later changes go in new migrations. */
export class CreateMarketingTables1767225600200 implements MigrationInterface {
  name = 'CreateMarketingTables1767225600200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The last good report per tenant, kind, ad account and range: served (stale) when Meta fails.
    await queryRunner.query(`
      CREATE TABLE marketing.report_snapshots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('stats', 'roi')),
        ad_account_id text NOT NULL,
        preset text NOT NULL CHECK (preset IN ('last_7d', 'last_30d', 'last_90d', 'this_year', 'custom')),
        since date NOT NULL,
        until date NOT NULL,
        payload jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT report_snapshots_range_check CHECK (since <= until),
        CONSTRAINT report_snapshots_tenant_range_key
          UNIQUE (tenant_id, kind, ad_account_id, preset, since, until)
      )`);
    await queryRunner.query(
      `CREATE INDEX report_snapshots_tenant_computed_idx ON marketing.report_snapshots (tenant_id, computed_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS marketing.report_snapshots`);
  }
}
