import { TtlCache } from './ttl-cache';

/** A load the test resolves or rejects when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TtlCache', () => {
  let clock: number;
  const cache = (ttlMs: number, maxEntries = 10) =>
    new TtlCache<string, string>({ ttlMs, maxEntries, now: () => clock });

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('serves an entry for ttlMs and forgets it after', () => {
    const c = cache(5_000);
    c.set('t1', 'a');
    clock += 5_000;
    expect(c.get('t1')).toBe('a');
    clock += 1;
    expect(c.get('t1')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const c = cache(60_000, 2);
    c.set('a', '1');
    c.set('b', '2');
    expect(c.get('a')).toBe('1'); // a is now the most recently used
    c.set('c', '3');
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe('1');
    expect(c.get('c')).toBe('3');
    expect(c.size).toBe(2);
  });

  it('with ttlMs Infinity keeps entries until they are evicted', () => {
    const c = cache(Number.POSITIVE_INFINITY, 1);
    c.set('a', '1');
    clock += 365 * 24 * 3600_000;
    expect(c.get('a')).toBe('1');
    c.set('b', '2');
    expect(c.get('a')).toBeUndefined();
  });

  it('getOrLoad shares one load among concurrent callers and serves its answer while fresh', async () => {
    const c = cache(1_000);
    let calls = 0;
    const load = jest.fn(async () => `v${++calls}`);
    const answers = await Promise.all([
      c.getOrLoad('k', load),
      c.getOrLoad('k', load),
      c.getOrLoad('k', load),
    ]);
    expect(answers).toEqual(['v1', 'v1', 'v1']);
    expect(await c.getOrLoad('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);
    clock += 1_001;
    expect(await c.getOrLoad('k', load)).toBe('v2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("counts an entry's age from when its load started", async () => {
    const c = cache(1_000);
    const slow = deferred<string>();
    const pending = c.getOrLoad('k', () => slow.promise);
    clock += 900;
    slow.resolve('old');
    await pending;
    clock += 101;
    expect(c.get('k')).toBeUndefined();
  });

  it('does not keep a failed load, and the next caller loads again', async () => {
    const c = cache(1_000);
    await expect(c.getOrLoad('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(
      c.getOrLoad('k', () => {
        throw new Error('sync failure');
      }),
    ).rejects.toThrow('sync failure');
    expect(c.size).toBe(0);
    expect(await c.getOrLoad('k', async () => 'up')).toBe('up');
  });

  it('a load that started before a set or delete does not overwrite it', async () => {
    const c = cache(60_000);
    const before = deferred<string>();
    const pending = c.getOrLoad('k', () => before.promise);
    c.set('k', 'saved');
    before.resolve('read before the save');
    expect(await pending).toBe('read before the save');
    expect(c.get('k')).toBe('saved');

    clock += 60_001;
    const again = deferred<string>();
    const second = c.getOrLoad('k', () => again.promise);
    c.delete('k');
    again.resolve('stale');
    await second;
    expect(c.get('k')).toBeUndefined();
    // A caller after the delete does not join the load that started before it.
    const load = jest.fn(async () => 'fresh');
    expect(await c.getOrLoad('k', load)).toBe('fresh');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('refuses a bound below one entry', () => {
    expect(() => new TtlCache({ ttlMs: 1, maxEntries: 0 })).toThrow(RangeError);
  });
});
