import { randomUUID } from 'node:crypto';
import { RetentionJob, TenantDatabase } from '@crm/nest-common';
import { openRunDataSources, retentionCoverage, type RunDataSources } from '@crm/testing';
import { crmRetentionRules } from './retention';

const DAY = 24 * 3600 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

describe('crm-service retention (real PostgreSQL)', () => {
  const rules = crmRetentionRules({}, {});
  let db: RunDataSources;

  beforeAll(async () => {
    db = await openRunDataSources();
    await db.owner.query(`SELECT set_config('app.bypass_rls', 'on', false)`);
  });

  afterAll(() => db.close());

  it('deletes imports ended or abandoned more than 30 days ago with their rows; keeps recent and running ones', async () => {
    const tenantId = randomUUID();
    await db.owner.query(
      `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'T', 'MXN', 'UTC')`,
      [tenantId],
    );
    const imports: Record<string, [string, Date | null, Date | null, Date]> = {
      doneOld: ['done', daysAgo(31), null, daysAgo(40)],
      doneRecent: ['done', daysAgo(29), null, daysAgo(40)],
      parkedOld: ['running', null, daysAgo(31), daysAgo(40)],
      uploadedOld: ['uploaded', null, null, daysAgo(31)],
      uploadedRecent: ['uploaded', null, null, daysAgo(1)],
      runningOld: ['running', null, null, daysAgo(60)],
    };
    const ids: Record<string, string> = {};
    for (const [name, [status, finishedAt, parkedAt, createdAt]] of Object.entries(imports)) {
      const rows: { id: string }[] = await db.owner.query(
        `INSERT INTO crm.lead_imports (tenant_id, file_name, status, header, total_rows, finished_at, parked_at, created_at)
         VALUES ($1, $2, $3, '{nombre,telefono}', 1, $4, $5, $6) RETURNING id`,
        [tenantId, `${name}.csv`, status, finishedAt, parkedAt, createdAt],
      );
      ids[name] = rows[0]!.id;
      await db.owner.query(
        `INSERT INTO crm.lead_import_rows (tenant_id, import_id, row_number, cells)
         VALUES ($1, $2, 1, '{Ana,+5215500000001}')`,
        [tenantId, ids[name]],
      );
    }

    const deleted = await new RetentionJob(new TenantDatabase(db.app), { schema: 'crm', rules }).purge();
    expect(deleted['crm.lead_imports']).toBeGreaterThanOrEqual(3);

    const left: { file_name: string }[] = await db.owner.query(
      `SELECT file_name FROM crm.lead_imports WHERE tenant_id = $1 ORDER BY file_name`,
      [tenantId],
    );
    expect(left.map((row) => row.file_name)).toEqual([
      'doneRecent.csv',
      'runningOld.csv',
      'uploadedRecent.csv',
    ]);
    const rows: { import_id: string }[] = await db.owner.query(
      `SELECT import_id FROM crm.lead_import_rows WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows.map((row) => row.import_id).sort()).toEqual(
      [ids.doneRecent, ids.runningOld, ids.uploadedRecent].sort(),
    );
  });

  it('deletes access changes older than a day; keeps the recent ones gateways still poll', async () => {
    const tenantId = randomUUID();
    const insert = (createdAt: Date) =>
      db.owner.query<{ seq: string }[]>(
        `INSERT INTO crm.access_changes (tenant_id, user_id, created_at) VALUES ($1, $2, $3) RETURNING seq`,
        [tenantId, randomUUID(), createdAt],
      );
    const [old] = await insert(daysAgo(2));
    const [recent] = await insert(new Date());

    const deleted = await new RetentionJob(new TenantDatabase(db.app), { schema: 'crm', rules }).purge();
    expect(deleted['crm.access_changes']).toBeGreaterThanOrEqual(1);

    const left: { seq: string }[] = await db.owner.query(
      `SELECT seq FROM crm.access_changes WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(left.map((row) => row.seq)).toEqual([recent!.seq]);
    expect(old!.seq).not.toBe(recent!.seq);
  });

  it('accounts for every table of the crm schema: purged by a rule or kept on purpose', async () => {
    expect(await retentionCoverage(db.owner, 'crm', rules)).toEqual({ uncovered: [], stale: [], both: [] });
  });
});
