import type { JsonText } from '@crm/contracts';
import { ReportCache, type ReportSource } from '../report-cache';

const source = (version: string, answer = 'connected act_1 t1 MXN'): ReportSource => ({ version, answer });

/** A build that answers `text` (its calls counted). */
const builder = (text: string) => jest.fn(async () => text as JsonText<unknown>);

describe('ReportCache', () => {
  it('serves a text only to the same key, version and Meta answer', async () => {
    const cache = new ReportCache(1000);
    const build = builder('{"a":1}');
    expect(await cache.getOrBuild('report', 'k', source('1'), build)).toBe('{"a":1}');
    expect(await cache.getOrBuild('report', 'k', source('1'), build)).toBe('{"a":1}');
    expect(build).toHaveBeenCalledTimes(1);

    await cache.getOrBuild('report', 'k', source('2'), build);
    await cache.getOrBuild('report', 'k', source('2', 'connected act_1 t2 MXN'), build);
    await cache.getOrBuild('report', 'other', source('2', 'connected act_1 t2 MXN'), build);
    expect(build).toHaveBeenCalledTimes(4);
  });

  it('keeps one entry per key: an older version is replaced, not served again', async () => {
    const cache = new ReportCache(1000);
    const build = builder('{}');
    await cache.getOrBuild('report', 'k', source('1'), build);
    await cache.getOrBuild('report', 'k', source('2'), build);
    expect(cache.holds('k', '2')).toBe(true);
    expect(cache.holds('k', '1')).toBe(false);
    await cache.getOrBuild('report', 'k', source('1'), build);
    expect(build).toHaveBeenCalledTimes(3);
  });

  it('concurrent identical requests share one build; a failed build is not kept', async () => {
    const cache = new ReportCache(1000);
    let release!: (text: string) => void;
    const build = jest.fn(
      () => new Promise<JsonText<unknown>>((resolve) => (release = (t) => resolve(t as JsonText<unknown>))),
    );
    const answers = Promise.all([1, 2, 3].map(() => cache.getOrBuild('roi', 'k', source('1'), build)));
    release('{"x":2}');
    expect(await answers).toEqual(['{"x":2}', '{"x":2}', '{"x":2}']);
    expect(build).toHaveBeenCalledTimes(1);

    const failing = jest.fn(async () => {
      throw new Error('database down');
    });
    await expect(cache.getOrBuild('roi', 'f', source('1'), failing)).rejects.toThrow('database down');
    await expect(cache.getOrBuild('roi', 'f', source('1'), failing)).rejects.toThrow('database down');
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('is bounded by the total length of its texts, least recently used evicted', async () => {
    const cache = new ReportCache(10);
    const four = builder('abcd');
    await cache.getOrBuild('report', 'a', source('1'), four);
    await cache.getOrBuild('report', 'b', source('1'), four);
    await cache.getOrBuild('report', 'a', source('1'), four); // a is now the most recently used
    await cache.getOrBuild('report', 'c', source('1'), four); // 12 > 10: b goes
    expect(['a', 'b', 'c'].map((key) => cache.holds(key, '1'))).toEqual([true, false, true]);
    expect(four).toHaveBeenCalledTimes(3);

    const large = builder('x'.repeat(11));
    await cache.getOrBuild('report', 'big', source('1'), large);
    expect(cache.holds('big', '1')).toBe(false);
    expect(['a', 'c'].map((key) => cache.holds(key, '1'))).toEqual([true, true]);
  });

  it('size 0 is off: every request builds', async () => {
    const cache = new ReportCache(0);
    const build = builder('{}');
    await cache.getOrBuild('report', 'k', source('1'), build);
    await cache.getOrBuild('report', 'k', source('1'), build);
    expect(build).toHaveBeenCalledTimes(2);
    expect(cache.holds('k', '1')).toBe(false);
  });
});
