import { randomUUID } from 'node:crypto';
import { ownerDatabaseUrl } from '@crm/testing';
import { DataSource } from 'typeorm';
import { TenantDatabase } from '../database';
import { periodicScheduleMigrationSql } from './periodic-claim';
import { RetentionJob, durableTablesRetention } from './retention';

const DAY = 24 * 3600 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

describe('RetentionJob (real PostgreSQL)', () => {
  const schema = `retention_spec_${randomUUID().slice(0, 8)}`;
  let owner: DataSource;
  let app: DataSource;

  beforeAll(async () => {
    owner = await new DataSource({ type: 'postgres', url: ownerDatabaseUrl() }).initialize();
    // The services' role, under row-level security: the job must see every tenant's rows through asSystem.
    app = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL! }).initialize();
    await owner.query(`CREATE SCHEMA ${schema}`);
    await owner.query(`CREATE TABLE ${schema}.items (id int PRIMARY KEY, at timestamptz NOT NULL)`);
    for (const sql of periodicScheduleMigrationSql(`${schema}.retention_schedule`)) await owner.query(sql);
  });

  afterAll(async () => {
    await owner.query(`DROP SCHEMA ${schema} CASCADE`);
    await app.destroy();
    await owner.destroy();
  });

  it('deletes expired rows in batches, keeps the rest, and runs once per period across replicas', async () => {
    await owner.query(
      `INSERT INTO ${schema}.items SELECT i, CASE WHEN i <= 23 THEN $1::timestamptz ELSE now() END
         FROM generate_series(1, 30) i`,
      [daysAgo(10)],
    );
    const options = {
      schema,
      rules: [{ table: `${schema}.items`, expired: 'at < $1', days: 7 }],
      batchSize: 5,
    };
    const replicaA = new RetentionJob(new TenantDatabase(owner), options);
    const replicaB = new RetentionJob(new TenantDatabase(owner), options);
    const [a, b] = await Promise.all([replicaA.tick(), replicaB.tick()]);
    expect([a, b].filter((result) => result === null)).toHaveLength(1);
    expect(a ?? b).toEqual({ [`${schema}.items`]: 23 });
    const left: { id: number }[] = await owner.query(`SELECT id FROM ${schema}.items ORDER BY id`);
    expect(left.map((row) => row.id)).toEqual([24, 25, 26, 27, 28, 29, 30]);
    // The period is claimed for a day: a later tick on either replica does nothing.
    expect(await replicaA.tick()).toBeNull();
  });

  it('purges the service tables under row-level security: published outbox rows, resolved dead letters, old keys', async () => {
    const tenantId = randomUUID();
    const old = daysAgo(60);
    await owner.query(`SELECT set_config('app.bypass_rls', 'on', false)`);
    const outbox: { id: string }[] = await owner.query(
      `INSERT INTO crm.outbox (tenant_id, subject, payload, created_at, published_at) VALUES
         ($1, 'evt.x', '{}', $2, $2), ($1, 'evt.x', '{}', $2, NULL), ($1, 'evt.x', '{}', now(), now())
       RETURNING id`,
      [tenantId, old],
    );
    await owner.query(
      `INSERT INTO crm.processed_events (tenant_id, event_key, processed_at) VALUES ($1, 'old', $2), ($1, 'new', now())`,
      [tenantId, old],
    );
    const consumer = `retention-spec-${tenantId}`;
    await owner.query(
      `INSERT INTO crm.dead_letters (consumer, subject, stream_sequence, payload, error_code, error_message, reason,
                                     attempts, status, parked_at, resolved_at) VALUES
         ($1, 's', 1, '{}', 'E', 'm', 'permanent', 1, 'parked', $2, NULL),
         ($1, 's', 2, '{}', 'E', 'm', 'permanent', 1, 'discarded', $2, $2),
         ($1, 's', 3, '{}', 'E', 'm', 'permanent', 1, 'replayed', now(), now())`,
      [consumer, old],
    );
    await owner.query(
      `INSERT INTO meta_ads.webhook_receipts (event_key, tenant_id, received_at) VALUES ($1, $2, $3), ($4, $2, now())`,
      [`old-${tenantId}`, tenantId, old, `new-${tenantId}`],
    );

    const job = new RetentionJob(new TenantDatabase(app), {
      schema: 'crm',
      rules: [
        ...durableTablesRetention('crm', { outbox: 7, deadLetters: 30 }),
        { table: 'crm.processed_events', expired: 'processed_at < $1', days: 45 },
        { table: 'meta_ads.webhook_receipts', expired: 'received_at < $1', days: 30 },
      ],
    });
    const deleted = await job.purge();
    expect(deleted['crm.outbox']).toBeGreaterThanOrEqual(1);

    const outboxLeft: { id: string }[] = await owner.query(
      `SELECT id FROM crm.outbox WHERE tenant_id = $1 ORDER BY created_at`,
      [tenantId],
    );
    expect(outboxLeft.map((row) => row.id).sort()).toEqual([outbox[1]!.id, outbox[2]!.id].sort());
    const keys: { event_key: string }[] = await owner.query(
      `SELECT event_key FROM crm.processed_events WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(keys.map((row) => row.event_key)).toEqual(['new']);
    const letters: { stream_sequence: string }[] = await owner.query(
      `SELECT stream_sequence FROM crm.dead_letters WHERE consumer = $1 ORDER BY stream_sequence`,
      [consumer],
    );
    expect(letters.map((row) => Number(row.stream_sequence))).toEqual([1, 3]);
    const receipts: { event_key: string }[] = await owner.query(
      `SELECT event_key FROM meta_ads.webhook_receipts WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(receipts.map((row) => row.event_key)).toEqual([`new-${tenantId}`]);
  });

  it('refuses a rule on an unqualified table or with less than a day', () => {
    const db = new TenantDatabase(owner);
    expect(
      () => new RetentionJob(db, { schema, rules: [{ table: 'items', expired: 'true', days: 1 }] }),
    ).toThrow(/schema-qualified/);
    expect(
      () => new RetentionJob(db, { schema, rules: [{ table: `${schema}.items`, expired: 'true', days: 0 }] }),
    ).toThrow(/days must be >= 1/);
  });
});
