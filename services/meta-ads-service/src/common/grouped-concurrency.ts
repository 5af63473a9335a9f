/**
 * Run `work` for every item: items with the same key one after the other, in their order; different keys up to
 * `limit` at a time. Waits for every item (one failure does not stop the others) and resolves with the errors
 * thrown, in item order — the caller decides which of them matter.
 */
export async function forEachGrouped<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<unknown[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  const queue = [...groups.values()];
  const errors = new Map<number, unknown>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      for (const index of queue[next++]) {
        try {
          await work(items[index]);
        } catch (error) {
          errors.set(index, error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
  return [...errors.entries()].sort(([a], [b]) => a - b).map(([, error]) => error);
}
