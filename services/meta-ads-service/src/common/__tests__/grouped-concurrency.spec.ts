import { forEachGrouped } from '../grouped-concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachGrouped', () => {
  it('keeps the order within a group and runs groups concurrently, at most `limit` at a time', async () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    const order: string[] = [];
    let running = 0;
    let peak = 0;
    const errors = await forEachGrouped(
      items,
      (item) => item[0],
      2,
      async (item) => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        order.push(item);
        running -= 1;
      },
    );
    expect(errors).toEqual([]);
    expect(peak).toBe(2);
    for (const group of ['a', 'b', 'c']) {
      expect(order.filter((item) => item.startsWith(group))).toEqual(
        items.filter((i) => i.startsWith(group)),
      );
    }
    expect(order).toHaveLength(items.length);
  });

  it('finishes every item even when some fail, and returns their errors in item order', async () => {
    const done: number[] = [];
    const errors = await forEachGrouped(
      [1, 2, 3, 4],
      (n) => String(n % 2),
      4,
      async (n) => {
        await tick();
        if (n === 3 || n === 2) throw new Error(`item ${n}`);
        done.push(n);
      },
    );
    expect(done.sort()).toEqual([1, 4]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['item 2', 'item 3']);
  });

  it('does nothing for no items', async () => {
    const work = jest.fn();
    await expect(forEachGrouped([], () => 'x', 4, work)).resolves.toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });
});
