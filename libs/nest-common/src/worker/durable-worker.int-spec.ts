import { randomUUID } from 'node:crypto';
import { ownerDatabaseUrl } from '@crm/testing';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '../metrics';
import { DurableWorker, type WorkResult } from './durable-worker';
import { LeasedTable, leaseColumnsSql } from './leased-table';

type JobRow = { id: string; attempts: number; kind: string };

/** A work table of the test's own, in a schema of its own, worked by two workers on two connection pools. */
describe('DurableWorker over a leased table (real PostgreSQL)', () => {
  const schema = `worker_spec_${randomUUID().slice(0, 8)}`;
  const table = `${schema}.jobs`;
  let poolA: DataSource;
  let poolB: DataSource;

  const open = async (): Promise<DataSource> =>
    // The schema owner: this suite creates its own schema and table (the claim SQL is what it tests, not RLS).
    new DataSource({ type: 'postgres', url: ownerDatabaseUrl(), extra: { max: 4 } }).initialize();

  const queue = (dataSource: DataSource) =>
    new LeasedTable<JobRow>({
      dataSource,
      table,
      keys: ['id'],
      pending: 't.done_at IS NULL',
      complete: { set: 'done_at = now()' },
    });

  beforeAll(async () => {
    poolA = await open();
    poolB = await open();
    await poolA.query(`CREATE SCHEMA ${schema}`);
    await poolA.query(
      `CREATE TABLE ${table} (id uuid PRIMARY KEY, kind text NOT NULL, done_at timestamptz, handled int NOT NULL DEFAULT 0)`,
    );
    for (const sql of leaseColumnsSql(table)) await poolA.query(sql);
  });

  afterAll(async () => {
    await poolA.query(`DROP SCHEMA ${schema} CASCADE`);
    await poolA.destroy();
    await poolB.destroy();
  });

  async function insert(count: number, kind = 'ok'): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await poolA.query(`INSERT INTO ${table} (id, kind) SELECT unnest($1::uuid[]), $2`, [ids, kind]);
    return ids;
  }

  const worker = (dataSource: DataSource, handler: (row: JobRow) => Promise<WorkResult>, leaseMs = 30_000) =>
    new DurableWorker<JobRow>({
      name: `spec-${randomUUID().slice(0, 4)}`,
      queue: queue(dataSource),
      handler,
      pollMs: 50,
      leaseMs,
      batchSize: 7,
      concurrency: 2,
      maxAttempts: 3,
      backoff: { baseMs: 10, maxMs: 20 },
    });

  it('two concurrent workers handle every due row exactly once', async () => {
    const ids = await insert(60);
    const seen: string[] = [];
    const handler = async (row: JobRow): Promise<WorkResult> => {
      seen.push(row.id);
      await poolA.query(`UPDATE ${table} SET handled = handled + 1 WHERE id = $1`, [row.id]);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return 'done';
    };
    const a = worker(poolA, handler);
    const b = worker(poolB, handler);
    const [byA, byB] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(byA + byB).toBe(60);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(60);
    const rows: { handled: number; done: boolean; lease_owner: string | null }[] = await poolA.query(
      `SELECT handled, done_at IS NOT NULL AS done, lease_owner FROM ${table} WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows.every((r) => r.handled === 1 && r.done && r.lease_owner === null)).toBe(true);
  });

  it('parks a permanent failure at once and a transient one after maxAttempts, with the error', async () => {
    const [bug] = await insert(1, 'bug');
    const [flaky] = await insert(1, 'flaky');
    const w = worker(poolA, async (row) => {
      if (row.kind === 'bug') throw new TypeError('x is not iterable');
      throw new Error('connection refused');
    });
    for (let i = 0; i < 20; i++) {
      await w.runOnce();
      const parked: { count: number }[] = await poolA.query(
        `SELECT count(*)::int AS count FROM ${table} WHERE id = ANY($1::uuid[]) AND parked_at IS NOT NULL`,
        [[bug, flaky]],
      );
      if (parked[0].count === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const rows: { id: string; attempts: number; code: string; parked: boolean }[] = await poolA.query(
      `SELECT id, attempts, last_error->>'code' AS code, parked_at IS NOT NULL AS parked FROM ${table}
        WHERE id = ANY($1::uuid[])`,
      [[bug, flaky]],
    );
    expect(rows.find((r) => r.id === bug)).toMatchObject({ attempts: 1, code: 'TypeError', parked: true });
    expect(rows.find((r) => r.id === flaky)).toMatchObject({ attempts: 3, code: 'Error', parked: true });
    const outcomes = (await metricsRegistry.getSingleMetric('crm_worker_outcomes_total')!.get()).values;
    const count = (outcome: string) =>
      outcomes.find((v) => v.labels.worker === w.name && v.labels.outcome === outcome)?.value ?? 0;
    expect(count('parked')).toBe(2);
    expect(count('retried')).toBe(2);
    const claimed = (await metricsRegistry.getSingleMetric('crm_worker_claimed_total')!.get()).values;
    expect(claimed.find((v) => v.labels.worker === w.name)?.value).toBe(4);
  });

  it("never takes a row while its lease holds, and takes a dead worker's row once the lease expired", async () => {
    const [id] = await insert(1, 'lease');
    // A worker claims the row and dies (never completes nor releases it).
    const dead = queue(poolA);
    const claimed = await dead.claim('dead-worker', 100, 400);
    expect(claimed.map((r) => r.id)).toContain(id);
    const handled: string[] = [];
    const live = worker(poolB, async (row) => {
      handled.push(row.id);
      return 'done';
    });
    await live.runOnce();
    expect(handled).not.toContain(id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await live.runOnce();
    expect(handled).toContain(id);
    // The dead worker's late write does nothing: the lease is no longer its own.
    await dead.retry(
      claimed.find((r) => r.id === id)!,
      'dead-worker',
      0,
      { code: 'X', message: 'late' },
    );
    const rows: { done: boolean; attempts: number }[] = await poolA.query(
      `SELECT done_at IS NOT NULL AS done, attempts FROM ${table} WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({ done: true, attempts: 2 });
  });

  it('stop() waits for the row in flight and releases the leases it still holds', async () => {
    const [id] = await insert(1, 'slow');
    let finished = false;
    const w = worker(poolA, async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      finished = true;
      return 'done';
    });
    w.start();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await w.stop();
    expect(finished).toBe(true);
    const held = queue(poolA);
    await poolA.query(
      `UPDATE ${table} SET lease_owner = $1, locked_until = now() + interval '1 hour' WHERE id = $2`,
      [w.owner, id],
    );
    await held.release(w.owner);
    const rows: { lease_owner: string | null; done: boolean }[] = await poolA.query(
      `SELECT lease_owner, done_at IS NOT NULL AS done FROM ${table} WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({ lease_owner: null, done: true });
  });
  it('completeInBatches marks a batch done in one statement, and a retried row stays out of it', async () => {
    const ids = await insert(15);
    const [flaky] = await insert(1, 'flaky');
    const statements: string[] = [];
    const counted = queue(poolA);
    const completeMany = counted.completeMany.bind(counted);
    counted.completeMany = async (rows, owner) => {
      statements.push(`completeMany:${rows.length}`);
      return completeMany(rows, owner);
    };
    const complete = counted.complete.bind(counted);
    counted.complete = async (row, owner) => {
      statements.push('complete');
      return complete(row, owner);
    };
    const batched = new DurableWorker<JobRow>({
      name: `spec-${randomUUID().slice(0, 4)}`,
      queue: counted,
      handler: async (row) =>
        row.kind === 'flaky' && row.attempts === 1
          ? { retryInMs: 0, error: { code: 'TRANSIENT', message: 'try again' } }
          : 'done',
      pollMs: 50,
      leaseMs: 30_000,
      batchSize: 100,
      concurrency: 4,
      completeInBatches: true,
      backoff: { baseMs: 10, maxMs: 20 },
    });
    await batched.runOnce();
    // Only this test's rows are due (the earlier tests finished theirs): one statement for the 15 done ones.
    expect(statements).toEqual(['completeMany:15']);
    const first = await poolA.query(
      `SELECT count(*)::int AS done FROM ${table} WHERE id = ANY($1) AND done_at IS NOT NULL AND lease_owner IS NULL`,
      [ids],
    );
    expect(first[0].done).toBe(15);
    const pending = await poolA.query(`SELECT done_at, lease_owner FROM ${table} WHERE id = $1`, [flaky]);
    expect(pending[0]).toEqual({ done_at: null, lease_owner: null });

    await batched.runOnce();
    expect(statements).toEqual(['completeMany:15', 'completeMany:1']);
    const after = await poolA.query(`SELECT done_at IS NOT NULL AS done FROM ${table} WHERE id = $1`, [
      flaky,
    ]);
    expect(after[0].done).toBe(true);
  });
});
