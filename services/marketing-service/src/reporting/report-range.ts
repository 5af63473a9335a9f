import {
  DomainError,
  type IsoDate,
  type IsoInstant,
  type RangePreset,
  type ReportRange,
} from '@crm/contracts';
import { DateTime, IANAZone } from 'luxon';

/** Longest custom range, in calendar days counted inclusively (`since` … `until`). */
export const MAX_CUSTOM_RANGE_DAYS = 400;

const ROLLING_DAYS: Partial<Record<RangePreset, number>> = { last_7d: 7, last_30d: 30, last_90d: 90 };

export type RangeInput = { preset: RangePreset; since?: string; until?: string };

/**
 * A report range resolved in one timezone:
 * - `range`: the inclusive calendar dates (what Meta Insights is asked for, what the UI shows);
 * - `crmSince` / `crmUntil`: the same days as instants `[start of since, start of the day after until)` in that
 *   timezone, for `crm.attribution.summary`.
 */
export type ResolvedRange = { range: ReportRange; crmSince: IsoInstant; crmUntil: IsoInstant };

/**
 * Zones found valid: `IANAZone.isValidZone` builds an `Intl.DateTimeFormat` on every call (~0.1 ms, several per
 * report). Only valid names are kept, so the set is bounded by the IANA database.
 */
const validZones = new Set<string>();

export function isValidTimezone(timezone: string | null | undefined): timezone is string {
  if (typeof timezone !== 'string' || timezone.length === 0) return false;
  if (validZones.has(timezone)) return true;
  if (!IANAZone.isValidZone(timezone)) return false;
  validZones.add(timezone);
  return true;
}

/**
 * Resolve a preset (or custom dates) to calendar days in `timezone`, relative to `now`.
 * `last_Nd` are the N days ending today inclusive; `this_year` is Jan 1 … today. Custom ranges are validated
 * (format, real dates, order, at most {@link MAX_CUSTOM_RANGE_DAYS} days, not after today) with a VALIDATION error.
 */
export function resolveReportRange(input: RangeInput, timezone: string, now: Date): ResolvedRange {
  if (!isValidTimezone(timezone)) {
    throw new DomainError('INTERNAL', `unknown timezone ${JSON.stringify(timezone)}`);
  }
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  let since: DateTime;
  let until: DateTime;
  const rolling = ROLLING_DAYS[input.preset];
  if (rolling !== undefined) {
    since = today.minus({ days: rolling - 1 });
    until = today;
  } else if (input.preset === 'this_year') {
    since = today.startOf('year');
    until = today;
  } else if (input.preset === 'custom') {
    ({ since, until } = parseCustom(input, today, timezone));
  } else {
    throw new DomainError(
      'VALIDATION',
      `preset must be one of last_7d, last_30d, last_90d, this_year, custom`,
    );
  }
  return {
    range: { preset: input.preset, since: isoDate(since), until: isoDate(until), timezone },
    crmSince: startOfDayInstant(since, timezone),
    crmUntil: startOfDayInstant(until.plus({ days: 1 }), timezone),
  };
}

function parseCustom(
  input: RangeInput,
  today: DateTime,
  timezone: string,
): { since: DateTime; until: DateTime } {
  if (!input.since || !input.until) {
    throw new DomainError('VALIDATION', 'a custom range needs both since and until (YYYY-MM-DD)', {
      fields: [!input.since ? 'since' : null, !input.until ? 'until' : null].filter(Boolean),
    });
  }
  const since = parseDate('since', input.since, timezone);
  const until = parseDate('until', input.until, timezone);
  if (since > until) {
    throw new DomainError(
      'VALIDATION',
      `since (${input.since}) must be on or before until (${input.until})`,
      {
        fields: ['since', 'until'],
      },
    );
  }
  const days = Math.round(until.diff(since, 'days').days) + 1;
  if (days > MAX_CUSTOM_RANGE_DAYS) {
    throw new DomainError(
      'VALIDATION',
      `a custom range may span at most ${MAX_CUSTOM_RANGE_DAYS} days (asked for ${days})`,
      { fields: ['since', 'until'], maxDays: MAX_CUSTOM_RANGE_DAYS },
    );
  }
  if (until > today) {
    throw new DomainError(
      'VALIDATION',
      `until (${input.until}) is in the future: today is ${isoDate(today)} in ${timezone}`,
      { fields: ['until'] },
    );
  }
  return { since, until };
}

function parseDate(field: 'since' | 'until', value: string, timezone: string): DateTime {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new DomainError('VALIDATION', `${field} must be YYYY-MM-DD`, { fields: [field] });
  }
  const date = DateTime.fromISO(value, { zone: timezone });
  if (!date.isValid) {
    throw new DomainError('VALIDATION', `${field} is not a calendar date: ${value}`, { fields: [field] });
  }
  return date.startOf('day');
}

function isoDate(date: DateTime): IsoDate {
  return date.toFormat('yyyy-MM-dd');
}

/** The first instant of a calendar day in `timezone` (where midnight does not exist, the first one that does). */
function startOfDayInstant(day: DateTime, timezone: string): IsoInstant {
  const start = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day },
    { zone: timezone },
  ).startOf('day');
  return start.toUTC().toISO({ suppressMilliseconds: false })!;
}
