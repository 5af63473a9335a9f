import { DomainError } from '@crm/contracts';
import { DateTime } from 'luxon';

/**
 * Where a calendar day (`YYYY-MM-DD`) starts and ends in a timezone, as instants: `[start, end)`. A day is not
 * always 24 hours (a DST change makes it 23 or 25), so the end is the next day's start, not start + 24 h.
 */
export function dayRange(day: string, timezone = 'UTC'): { start: Date; end: Date } {
  const start = DateTime.fromISO(day, { zone: timezone }).startOf('day');
  if (!start.isValid) throw new DomainError('VALIDATION', `day must be a calendar date (YYYY-MM-DD): ${day}`);
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}
