import { DurableWorker, type WorkQueue } from './durable-worker';

/** An in-memory queue of numbered rows: each claim takes what is pending (up to its limit) and is recorded. */
function memoryQueue(rows: number) {
  const pending = Array.from({ length: rows }, (_, i) => i + 1);
  const claims: number[] = [];
  const queue: WorkQueue<number> = {
    async claim(_owner, limit) {
      claims.push(limit);
      return pending.splice(0, limit);
    },
    async complete() {},
    async retry() {},
    async park() {},
    async release() {},
    attempts: () => 1,
    describe: (row) => `row ${row}`,
  };
  return { queue, claims };
}

/** A handler whose row 1 waits until `release()`; every other row is done at once. Records the order. */
function slowFirstRow() {
  const handled: number[] = [];
  let release = () => {};
  const blocked = new Promise<void>((resolve) => (release = resolve));
  const handler = async (row: number) => {
    if (row === 1) await blocked;
    handled.push(row);
    return 'done' as const;
  };
  return { handler, handled, release: () => release() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('DurableWorker', () => {
  const common = { pollMs: 60_000, leaseMs: 1000, backoff: { baseMs: 10, maxMs: 100 } };

  it('batch after batch by default: one slow row holds back the next batch', async () => {
    const { queue } = memoryQueue(8);
    const slow = slowFirstRow();
    const worker = new DurableWorker<number>({
      ...common,
      name: 'test.batches',
      queue,
      handler: slow.handler,
      batchSize: 4,
      concurrency: 4,
    });
    const round = worker.runOnce();
    await settle();
    expect(slow.handled).toEqual([2, 3, 4]);
    slow.release();
    expect(await round).toBe(8);
    expect(slow.handled).toEqual([2, 3, 4, 1, 5, 6, 7, 8]);
  });

  it('with refillAt, free lanes claim more while a slow row is still in flight', async () => {
    const { queue, claims } = memoryQueue(10);
    const slow = slowFirstRow();
    const worker = new DurableWorker<number>({
      ...common,
      name: 'test.rolling',
      queue,
      handler: slow.handler,
      concurrency: 4,
      refillAt: 2,
    });
    const round = worker.runOnce();
    await settle();
    // Rows 2–10 went through the three free lanes, claimed as lanes freed up; row 1 is still in flight.
    expect(slow.handled).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(claims[0]).toBe(4);
    expect(Math.max(...claims.slice(1))).toBeLessThanOrEqual(3);
    slow.release();
    expect(await round).toBe(10);
    expect(slow.handled).toHaveLength(10);
  });
});
