import { describeSendWindow, sendHistory, type SendWindow } from '@crm/contracts';
import { DateTime } from 'luxon';

/**
 * Send-window arithmetic, pure: is an instant inside a window in a timezone, and when does the window next open.
 * A window is the hours `start`–`end` (local wall clock, HH:MM) on `days` (0 = Sunday … 6 = Saturday, the day the
 * window OPENS). `end` before `start` is an overnight window (22:00–06:00 on Friday runs into Saturday morning);
 * `end` equal to `start` is the whole day.
 */

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** luxon weekday (1 = Monday … 7 = Sunday) as 0 = Sunday … 6 = Saturday. */
const dayOf = (local: DateTime): number => local.weekday % 7;

/** The openings (start instants) that could contain `at` or follow it: from the day before over the next 8 days. */
function openingsAround(at: Date, window: SendWindow, zone: string): { opens: DateTime; closes: DateTime }[] {
  const local = DateTime.fromJSDate(at, { zone });
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const out: { opens: DateTime; closes: DateTime }[] = [];
  for (let offset = -1; offset <= 8; offset += 1) {
    const day = local.startOf('day').plus({ days: offset });
    if (!window.days.includes(dayOf(day))) continue;
    // Wall clocks on both ends (a time DST skips moves forward, as luxon does).
    const opens = day.set({ hour: Math.floor(start / 60), minute: start % 60 });
    const closes = day
      .plus({ days: end > start ? 0 : 1 })
      .set({ hour: Math.floor(end / 60), minute: end % 60 });
    out.push({ opens, closes });
  }
  return out;
}

/** Whether `at` falls inside the window in `zone`. A window without days is never open. */
export function isInsideWindow(at: Date, window: SendWindow, zone: string): boolean {
  const t = at.getTime();
  return openingsAround(at, window, zone).some(
    ({ opens, closes }) => opens.toMillis() <= t && t < closes.toMillis(),
  );
}

/**
 * When a send due at `at` may go out: `at` itself when inside the window, else the next opening (with when that
 * opening closes). Null when the window has no days (it never opens).
 */
export function nextOpening(
  at: Date,
  window: SendWindow,
  zone: string,
): { at: Date; closesAt: Date; inside: boolean } | null {
  const t = at.getTime();
  const openings = openingsAround(at, window, zone);
  const current = openings.find(({ opens, closes }) => opens.toMillis() <= t && t < closes.toMillis());
  if (current) return { at, closesAt: current.closes.toJSDate(), inside: true };
  const next = openings.find(({ opens }) => opens.toMillis() > t);
  return next ? { at: next.opens.toJSDate(), closesAt: next.closes.toJSDate(), inside: false } : null;
}

/** Sends moved to an opening are spread over up to this many minutes after it (never past half the window). */
export const WINDOW_SPREAD_MINUTES = 30;

/**
 * A stable delay in [0, spread) seconds for a send, from its id (FNV-1a): the same send always lands on the same
 * minute, and the sends moved to one opening are spread instead of all leaving at 09:00:00.
 */
export function spreadSeconds(sendId: string, opensAt: Date, closesAt: Date): number {
  const spread = Math.min(
    WINDOW_SPREAD_MINUTES * 60,
    Math.floor((closesAt.getTime() - opensAt.getTime()) / 2000),
  );
  if (spread <= 0) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < sendId.length; i += 1) {
    hash ^= sendId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % spread;
}

/** "Mon,Tue 09:00–20:00 America/Bogota", for a send's history (`describeSendWindow` of the contracts). */
export const describeWindow = describeSendWindow;

/** "Mon 2026-11-30 09:07 America/Mexico_City": an instant on the wall clock of `zone`, for a send's history. */
export function describeLocalTime(at: Date, zone: string): string {
  return `${DateTime.fromJSDate(at, { zone }).toFormat('ccc yyyy-LL-dd HH:mm', { locale: 'en' })} ${zone}`;
}

/** The history line of a send moved to the window's next opening: when it will go, in the recipient's time, and why. */
export function describeDeferral(until: Date, window: SendWindow, zone: string): string {
  const local = DateTime.fromJSDate(until, { zone }).toFormat('ccc yyyy-LL-dd HH:mm', { locale: 'en' });
  return sendHistory.deferred(local, zone, window);
}
