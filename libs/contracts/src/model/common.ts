/**
 * How deep an offset list may go: `page × pageSize` at most this many rows. Deeper, every request reads and throws
 * away all the rows before its page; a person narrows the filters instead (the leads list also pages by cursor).
 */
export const MAX_PAGING_ROWS = 10_000;
/** Deepest page a list may ask for (at `pageSize` 1); `MAX_PAGING_ROWS` bounds `page × pageSize`. */
export const MAX_PAGE = MAX_PAGING_ROWS;
/** The page size of an offset list that does not say one. */
export const DEFAULT_PAGE_SIZE = 25;

/**
 * An offset list counts its matches up to this many (one past it, then stops): an exact `count(*)` reads every
 * matching row on every request (0.4–0.7 s for a million leads, docs/BENCHMARKS.md), and no page lies deeper.
 */
export const LIST_TOTAL_CAP = MAX_PAGING_ROWS;

/**
 * A list's count: exact up to `LIST_TOTAL_CAP`; when more match, `total` is `LIST_TOTAL_CAP` and `totalCapped` is
 * true (the UI reads "more than 10,000").
 */
export type CappedTotal = { total: number; totalCapped: boolean };

export type Page<T> = CappedTotal & { items: T[]; page: number; pageSize: number };

/** ISO-8601 instant string, e.g. `2026-11-24T08:00:00.000Z`. */
export type IsoInstant = string;
/** Calendar date in a named timezone, `YYYY-MM-DD`. */
export type IsoDate = string;
