/**
 * How deep an offset list may go: `page × pageSize` at most this many rows. Deeper, every request reads and throws
 * away all the rows before its page; a person narrows the filters instead (the leads list also pages by cursor).
 */
export const MAX_PAGING_ROWS = 10_000;
/** Deepest page a list may ask for (at `pageSize` 1); `MAX_PAGING_ROWS` bounds `page × pageSize`. */
export const MAX_PAGE = MAX_PAGING_ROWS;
/** The page size of an offset list that does not say one. */
export const DEFAULT_PAGE_SIZE = 25;

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

/** ISO-8601 instant string, e.g. `2026-11-24T08:00:00.000Z`. */
export type IsoInstant = string;
/** Calendar date in a named timezone, `YYYY-MM-DD`. */
export type IsoDate = string;
