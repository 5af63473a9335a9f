/** Plain calendar dates (`YYYY-MM-DD`) and timezone helpers. Arithmetic is done on UTC midnights, so it never
 * depends on the host timezone. */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The calendar date of instant `now` in `timeZone`. */
export const localDate = (now: Date, timeZone: string): string => {
  const parts = formatterFor(timeZone).formatToParts(now);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
};

const toUtc = (date: string): number => Date.parse(`${date}T00:00:00Z`);

const fromUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const isIsoDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(toUtc(value)) && fromUtc(toUtc(value)) === value;

export const addDays = (date: string, days: number): string => fromUtc(toUtc(date) + days * DAY_MS);

/** Whole days from `from` to `to` (positive when `to` is later). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((toUtc(to) - toUtc(from)) / DAY_MS);

/** 0 = Sunday … 6 = Saturday */
export const dayOfWeek = (date: string): number => new Date(toUtc(date)).getUTCDay();

export const startOfMonth = (date: string): string => `${date.slice(0, 7)}-01`;

export const endOfMonth = (date: string): string =>
  addDays(startOfMonth(addDays(startOfMonth(date), 32)), -1);

export const startOfQuarter = (date: string): string => {
  const month = Number(date.slice(5, 7));
  const first = Math.floor((month - 1) / 3) * 3 + 1;
  return `${date.slice(0, 4)}-${String(first).padStart(2, '0')}-01`;
};

export const startOfYear = (date: string): string => `${date.slice(0, 4)}-01-01`;

export const minDate = (a: string, b: string): string => (a < b ? a : b);
export const maxDate = (a: string, b: string): string => (a > b ? a : b);

/** Every date from `since` to `until`, both inclusive. */
export const eachDay = (since: string, until: string): string[] => {
  const days: string[] = [];
  for (let day = since; day <= until; day = addDays(day, 1)) days.push(day);
  return days;
};

/** Meta's datetime format with a numeric offset, in UTC: `2026-09-12T10:00:00+0000`. */
export const metaUtcDateTime = (instant: Date): string => `${instant.toISOString().slice(0, 19)}+0000`;

export const unixSeconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);
