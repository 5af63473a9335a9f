import { randomUUID } from 'node:crypto';
import { RetentionJob, TenantDatabase } from '@crm/nest-common';
import { openRunDataSources, retentionCoverage, type RunDataSources } from '@crm/testing';
import { automationRetentionRules } from './retention';

const DAY = 24 * 3600 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

describe('automation-service retention (real PostgreSQL)', () => {
  const rules = automationRetentionRules({}, {});
  let db: RunDataSources;

  beforeAll(async () => {
    db = await openRunDataSources();
    await db.owner.query(`SELECT set_config('app.bypass_rls', 'on', false)`);
  });

  afterAll(() => db.close());

  const send = async (tenantId: string, ruleKey = 'lead_followup'): Promise<string> => {
    const rows: { id: string }[] = await db.owner.query(
      `INSERT INTO automation.sends (tenant_id, rule_key, lead_id, status, due_at, occurrence_key)
       VALUES ($1, $2, $3, 'sent', now(), $4) RETURNING id`,
      [tenantId, ruleKey, randomUUID(), randomUUID()],
    );
    return rows[0]!.id;
  };

  it('defaults: frequency marks 31 days, rule-limit marks 366, closed windows 7, tombstones 45', () => {
    expect(rules.slice(1).map((rule) => [rule.table, rule.days])).toEqual([
      ['automation.frequency_marks', 31],
      ['automation.rule_limit_marks', 366],
      ['automation.contact_windows', 7],
      ['automation.lead_status_tombstones', 45],
    ]);
    expect(() => automationRetentionRules({ RETENTION_TOMBSTONES_DAYS: 20 }, {})).toThrow(
      /RETENTION_TOMBSTONES_DAYS \(20\) must be longer than the longest JetStream max age \(720 h\)/,
    );
  });

  it('deletes old marks, closed windows and old tombstones; keeps recent ones and the marks of a rule limited forever', async () => {
    const tenantId = randomUUID();
    const [oldMark, newMark] = [await send(tenantId), await send(tenantId)];
    await db.owner.query(
      `INSERT INTO automation.frequency_marks (send_id, tenant_id, phone, at) VALUES ($1, $3, '+5215500000001', $4),
         ($2, $3, '+5215500000001', now() - interval '29 days')`,
      [oldMark, newMark, tenantId, daysAgo(32)],
    );
    // r_…a: limited per 30 days; r_…b: limited forever (perDays null); r_…c: deleted, was limited forever.
    const [perDays, forever, deleted] = ['r_00000000000a', 'r_00000000000b', 'r_00000000000c'];
    await db.owner.query(
      `INSERT INTO automation.rules (tenant_id, key, limits, deleted_at) VALUES
         ($1, $2, '{"maxPerContact": 1, "perDays": 30}', NULL),
         ($1, $3, '{"maxPerContact": 1, "perDays": null}', NULL),
         ($1, $4, '{"maxPerContact": 1}', now())`,
      [tenantId, perDays, forever, deleted],
    );
    const limitSends = {
      perDaysOld: await send(tenantId, perDays),
      perDaysNew: await send(tenantId, perDays),
      foreverOld: await send(tenantId, forever),
      deletedOld: await send(tenantId, deleted),
    };
    await db.owner.query(
      `INSERT INTO automation.rule_limit_marks (send_id, tenant_id, rule_key, phone, at) VALUES
         ($1, $5, $6, '+5215500000001', $9), ($2, $5, $6, '+5215500000001', now() - interval '300 days'),
         ($3, $5, $7, '+5215500000001', $9), ($4, $5, $8, '+5215500000001', $9)`,
      [
        limitSends.perDaysOld,
        limitSends.perDaysNew,
        limitSends.foreverOld,
        limitSends.deletedOld,
        tenantId,
        perDays,
        forever,
        deleted,
        daysAgo(400),
      ],
    );
    await db.owner.query(
      `INSERT INTO automation.contact_windows (tenant_id, phone, last_inbound_at, window_ends_at) VALUES
         ($1, '+5215500000001', $2, $3), ($1, '+5215500000002', now() - interval '2 days', now() - interval '1 day')`,
      [tenantId, daysAgo(10), daysAgo(9)],
    );
    const [oldLead, newLead] = [randomUUID(), randomUUID()];
    await db.owner.query(
      `INSERT INTO automation.lead_status_tombstones (tenant_id, lead_id, status, cause, changed_at) VALUES
         ($1, $2, 'lost', 'x', $4), ($1, $3, 'lost', 'x', now() - interval '40 days')`,
      [tenantId, oldLead, newLead, daysAgo(46)],
    );

    // The services' role, under row-level security: the job sees every tenant's rows through asSystem.
    await new RetentionJob(new TenantDatabase(db.app), { schema: 'automation', rules }).purge();

    const ids = async (sql: string): Promise<string[]> =>
      ((await db.owner.query(sql, [tenantId])) as { id: string }[]).map((row) => row.id).sort();
    expect(await ids(`SELECT send_id AS id FROM automation.frequency_marks WHERE tenant_id = $1`)).toEqual([
      newMark,
    ]);
    expect(await ids(`SELECT send_id AS id FROM automation.rule_limit_marks WHERE tenant_id = $1`)).toEqual(
      [limitSends.perDaysNew, limitSends.foreverOld].sort(),
    );
    expect(await ids(`SELECT phone AS id FROM automation.contact_windows WHERE tenant_id = $1`)).toEqual([
      '+5215500000002',
    ]);
    expect(
      await ids(`SELECT lead_id AS id FROM automation.lead_status_tombstones WHERE tenant_id = $1`),
    ).toEqual([newLead]);
  });

  it('accounts for every table of the automation schema: purged by a rule or kept on purpose', async () => {
    expect(await retentionCoverage(db.owner, 'automation', rules)).toEqual({
      uncovered: [],
      stale: [],
      both: [],
    });
  });
});
