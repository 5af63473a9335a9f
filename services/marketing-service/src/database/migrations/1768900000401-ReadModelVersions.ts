import { enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table a Marketing report reads (report-facts.store.ts, read-model.service.ts's timezone). */
const REPORT_INPUTS = [
  'marketing.attribution_daily',
  'marketing.attribution_monthly',
  'marketing.attribution_day_totals',
  'marketing.fx_rates',
  'marketing.read_model_tenants',
];
const EVENTS = [
  { event: 'INSERT', referencing: 'NEW TABLE AS changed' },
  { event: 'UPDATE', referencing: 'OLD TABLE AS changed_before NEW TABLE AS changed' },
  { event: 'DELETE', referencing: 'OLD TABLE AS changed' },
] as const;

/**
 * `read_model_versions`: per tenant, the version of everything its Marketing report is computed from in this schema,
 * so a cached report is served only while its inputs are unchanged (`ReportCache`). Statement-level triggers with
 * transition tables on every table a report reads give each tenant a statement touched a new value of one sequence
 * (one upsert per tenant and statement, in tenant order; a statement that changes no row changes no version). A
 * sequence, not a counter: a value is never given twice, even if a version row is deleted and written again.
 * TRUNCATE names no tenant, so it is refused on these tables (DELETE, which the triggers see, instead).
 */
export class ReadModelVersions1768900000401 implements MigrationInterface {
  name = 'ReadModelVersions1768900000401';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE marketing.read_model_version_seq`);
    await queryRunner.query(`
      CREATE TABLE marketing.read_model_versions (
        tenant_id uuid PRIMARY KEY,
        version bigint NOT NULL
      )`);
    await enableTenantRls(queryRunner, 'marketing.read_model_versions');
    // An UPDATE could move a row to another tenant: both are bumped.
    await queryRunner.query(`
      CREATE FUNCTION marketing.bump_read_model_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          INSERT INTO marketing.read_model_versions AS v (tenant_id, version)
          SELECT tenant_id, nextval('marketing.read_model_version_seq')
            FROM (SELECT tenant_id FROM changed UNION SELECT tenant_id FROM changed_before ORDER BY 1) touched
          ON CONFLICT (tenant_id) DO UPDATE SET version = nextval('marketing.read_model_version_seq');
        ELSE
          INSERT INTO marketing.read_model_versions AS v (tenant_id, version)
          SELECT tenant_id, nextval('marketing.read_model_version_seq')
            FROM (SELECT DISTINCT tenant_id FROM changed ORDER BY 1) touched
          ON CONFLICT (tenant_id) DO UPDATE SET version = nextval('marketing.read_model_version_seq');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION marketing.refuse_truncate_of_report_input() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'TRUNCATE %.% would leave cached Marketing reports current: DELETE the rows instead',
          TG_TABLE_SCHEMA, TG_TABLE_NAME;
      END $$`);
    for (const table of REPORT_INPUTS) {
      await queryRunner.query(
        `CREATE TRIGGER ${triggerName(table, 'TRUNCATE')} BEFORE TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION marketing.refuse_truncate_of_report_input()`,
      );
      for (const { event, referencing } of EVENTS) {
        await queryRunner.query(
          `CREATE TRIGGER ${triggerName(table, event)} AFTER ${event} ON ${table}
             REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION marketing.bump_read_model_version()`,
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of REPORT_INPUTS) {
      for (const event of ['TRUNCATE', ...EVENTS.map((e) => e.event)])
        await queryRunner.query(`DROP TRIGGER ${triggerName(table, event)} ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION marketing.refuse_truncate_of_report_input()`);
    await queryRunner.query(`DROP FUNCTION marketing.bump_read_model_version()`);
    await queryRunner.query(`DROP TABLE marketing.read_model_versions`);
    await queryRunner.query(`DROP SEQUENCE marketing.read_model_version_seq`);
  }
}

function triggerName(table: string, event: string): string {
  return `${table.split('.')[1]}_version_${event.toLowerCase()}`;
}
