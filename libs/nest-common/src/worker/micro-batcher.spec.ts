import { MicroBatcher } from './micro-batcher';

const fulfilled = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });

describe('MicroBatcher', () => {
  it('items added together are flushed together, in order, each answered with its own outcome', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxItems: 10,
      lingerMs: 5,
      flush: async (items) => {
        batches.push(items);
        return items.map((item) => fulfilled(item * 10));
      },
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('items added during a flush form the next batch; no batch exceeds maxItems', async () => {
    const batches: number[][] = [];
    let release = () => {};
    const first = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, void>({
      maxItems: 3,
      lingerMs: 1,
      flush: async (items) => {
        batches.push(items);
        if (batches.length === 1) await first;
        return items.map(() => fulfilled(undefined));
      },
    });
    const added = [batcher.add(1)];
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (let n = 2; n <= 6; n++) added.push(batcher.add(n));
    release();
    await Promise.all(added);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it("an item's rejected outcome fails only that item; a thrown flush fails the whole batch", async () => {
    const batcher = new MicroBatcher<number, number>({
      maxItems: 10,
      lingerMs: 1,
      flush: async (items) => {
        if (items.includes(99)) throw new Error('database down');
        return items.map((item) =>
          item === 2 ? { status: 'rejected', reason: new Error('bad item') } : fulfilled(item),
        );
      },
    });
    const outcomes = await Promise.allSettled([batcher.add(1), batcher.add(2), batcher.add(3)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await expect(batcher.add(99)).rejects.toThrow('database down');
    // The batcher goes on after a failed flush.
    await expect(batcher.add(4)).resolves.toBe(4);
  });
});
