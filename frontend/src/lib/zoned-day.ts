const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds the zone's wall clock is ahead of UTC at this instant. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(
    value('year'),
    value('month') - 1,
    value('day'),
    value('hour'),
    value('minute'),
    value('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a calendar day (`YYYY-MM-DD`) starts in a timezone (the browser's when none), as ISO; `null` for
 * anything that is not a real day. `addDays` moves the day first (1: where the day after starts, an exclusive end).
 */
export function startOfDay(day: string, timeZone?: string, addDays = 0): string | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const check = new Date(Date.UTC(year, month, date));
  if (check.getUTCMonth() !== month || check.getUTCDate() !== date) return null;
  if (!timeZone) return new Date(year, month, date + addDays).toISOString();
  const wallMidnight = Date.UTC(year, month, date + addDays);
  // Twice: the offset at the first guess can differ from the one at the answer across a DST change.
  let instant = wallMidnight - offsetAt(wallMidnight, timeZone);
  instant = wallMidnight - offsetAt(instant, timeZone);
  return new Date(instant).toISOString();
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;

/**
 * The instant a wall-clock time (`YYYY-MM-DD HH:mm`) is in a timezone, as ISO; `null` when it is not a time or the
 * zone is unknown to the browser.
 */
export function instantOfWallTime(wallTime: string, timeZone: string): string | null {
  const match = WALL_TIME.exec(wallTime);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  try {
    let instant = wall - offsetAt(wall, timeZone);
    instant = wall - offsetAt(instant, timeZone);
    return new Date(instant).toISOString();
  } catch {
    return null;
  }
}
