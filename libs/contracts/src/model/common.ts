/** Deepest page a list may ask for: keeps OFFSET arithmetic far inside PostgreSQL's bigint. */
export const MAX_PAGE = 100_000;

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

/** ISO-8601 instant string, e.g. `2026-11-24T08:00:00.000Z`. */
export type IsoInstant = string;
/** Calendar date in a named timezone, `YYYY-MM-DD`. */
export type IsoDate = string;
