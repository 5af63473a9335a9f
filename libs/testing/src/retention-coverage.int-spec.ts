import { DataSource } from 'typeorm';
import { ownerDatabaseUrl } from './infra';
import { KEPT_ON_PURPOSE, SERVICE_SCHEMAS, retentionCoverage } from './retention-coverage';

/**
 * Every table of every schema must say how it ends: each service's `retention.int-spec.ts` checks the tables of its
 * schema against its retention rules and `KEPT_ON_PURPOSE`; this one checks that there is no other schema.
 */
describe('retention coverage: every schema is a service’s (real PostgreSQL, all migrations)', () => {
  let owner: DataSource;

  beforeAll(async () => {
    owner = await new DataSource({ type: 'postgres', url: ownerDatabaseUrl() }).initialize();
  });

  afterAll(async () => {
    await owner.destroy();
  });

  it('finds tables only in the four service schemas (a new schema needs its own retention test)', async () => {
    // Scratch schemas the libs' own integration tests create and drop (`<name>_spec_<id>`) are not the product's.
    const rows: { schema: string }[] = await owner.query(
      `SELECT DISTINCT table_schema AS schema FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
          AND table_schema NOT LIKE '%\\_spec\\_%' ORDER BY 1`,
    );
    expect(rows.map((row) => row.schema)).toEqual([...SERVICE_SCHEMAS].sort());
  });

  it('names only tables of those schemas as kept on purpose, each with a reason', () => {
    for (const [table, why] of Object.entries(KEPT_ON_PURPOSE)) {
      expect(SERVICE_SCHEMAS).toContain(table.split('.')[0]);
      expect(why.length).toBeGreaterThan(5);
    }
  });

  it('reports a table someone adds without a rule or a reason, and a reason left for a dropped table', async () => {
    const table = `crm.retention_probe_${process.pid}`;
    await owner.query(`CREATE TABLE ${table} (id int)`);
    try {
      const coverage = await retentionCoverage(owner, 'crm', [{ table: 'crm.no_such_table' }]);
      expect(coverage.uncovered).toContain(table);
      expect(coverage.stale).toEqual(['crm.no_such_table']);
    } finally {
      await owner.query(`DROP TABLE ${table}`);
    }
  });
});
