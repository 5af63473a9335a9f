import {
  compareTimeline,
  decodeTimelineCursor,
  encodeTimelineCursor,
  isAfterCursor,
  mergeTimeline,
  type TimelineSourcePage,
} from './lead-360';
import type { TimelineEntry } from './model/lead-360';

const entry = (id: string, at: string): TimelineEntry => ({
  id,
  at,
  kind: 'status_changed',
  from: null,
  to: 'contactado',
  actorUserId: null,
  actorName: null,
});

describe('lead timeline paging', () => {
  it('round-trips a cursor and refuses garbage with VALIDATION', () => {
    const cursor = { at: '2026-11-12T16:32:00.000Z', id: 'a0000000000000000042' };
    expect(decodeTimelineCursor(encodeTimelineCursor(cursor))).toEqual(cursor);
    for (const bad of ['bm9wZQ', encodeTimelineCursor({ at: 'ayer', id: 'x' }), '']) {
      expect(() => decodeTimelineCursor(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });

  it('orders newest first, equal instants by id descending in code-unit order', () => {
    const items = [
      entry('a01', '2026-01-01T00:00:00.000Z'),
      entry('hsm:1', '2026-01-01T00:00:00.000Z'),
      entry('a02', '2026-01-02T00:00:00.000Z'),
    ].sort(compareTimeline);
    expect(items.map((e) => e.id)).toEqual(['a02', 'hsm:1', 'a01']);
    expect(isAfterCursor(items[2], { at: items[1].at, id: items[1].id })).toBe(true);
    expect(isAfterCursor(items[1], { at: items[1].at, id: items[1].id })).toBe(false);
  });

  it('merges sources into one page and pages on from its last entry', () => {
    const activity: TimelineSourcePage = {
      source: 'activity',
      items: [entry('a03', '2026-01-03T00:00:00.000Z'), entry('a01', '2026-01-01T00:00:00.000Z')],
      hasMore: false,
    };
    const hsm: TimelineSourcePage = {
      source: 'hsm',
      items: [entry('hsm:x', '2026-01-02T00:00:00.000Z')],
      hasMore: false,
    };
    const page = mergeTimeline([activity, hsm], 2);
    expect(page.items.map((e) => e.id)).toEqual(['a03', 'hsm:x']);
    expect(decodeTimelineCursor(page.nextCursor!)).toEqual({ at: '2026-01-02T00:00:00.000Z', id: 'hsm:x' });
    expect(mergeTimeline([activity, hsm], 3).nextCursor).toBeNull();
    // A source with more beyond what it returned keeps the timeline open even when the page is not full.
    expect(mergeTimeline([{ ...activity, hasMore: true }], 5).nextCursor).not.toBeNull();
    expect(mergeTimeline([], 5, ['hsm'])).toEqual({ items: [], nextCursor: null, unavailable: ['hsm'] });
  });
});
