import {
  addDays,
  dayOfWeek,
  daysBetween,
  endOfMonth,
  isIsoDate,
  minDate,
  startOfMonth,
  startOfQuarter,
  startOfYear,
} from '../dataset/calendar';
import { graphErrors } from '../http/graph-error';

export type DateRange = { since: string; until: string };

/** Values of Meta's `date_preset` enum (CG `adaccountinsights_date_preset_enum_param`). */
export const DATE_PRESETS = [
  'today',
  'yesterday',
  'this_month',
  'last_month',
  'this_quarter',
  'maximum',
  'data_maximum',
  'last_3d',
  'last_7d',
  'last_14d',
  'last_28d',
  'last_30d',
  'last_90d',
  'last_week_mon_sun',
  'last_week_sun_sat',
  'last_quarter',
  'last_year',
  'this_week_mon_today',
  'this_week_sun_today',
  'this_year',
] as const;

export type DatePreset = (typeof DATE_PRESETS)[number];

const isPreset = (value: string): value is DatePreset => (DATE_PRESETS as readonly string[]).includes(value);

/** Resolve a preset relative to `today` (ad account timezone). `last_Nd` ends yesterday, as in Ads Manager. */
export const presetRange = (preset: DatePreset, today: string, earliest: string): DateRange => {
  const yesterday = addDays(today, -1);
  const lastNDays = (n: number): DateRange => ({ since: addDays(today, -n), until: yesterday });
  const weekStart = (weekStartsOn: 0 | 1): string =>
    addDays(today, -((dayOfWeek(today) - weekStartsOn + 7) % 7));
  switch (preset) {
    case 'today':
      return { since: today, until: today };
    case 'yesterday':
      return { since: yesterday, until: yesterday };
    case 'last_3d':
      return lastNDays(3);
    case 'last_7d':
      return lastNDays(7);
    case 'last_14d':
      return lastNDays(14);
    case 'last_28d':
      return lastNDays(28);
    case 'last_30d':
      return lastNDays(30);
    case 'last_90d':
      return lastNDays(90);
    case 'this_month':
      return { since: startOfMonth(today), until: today };
    case 'last_month': {
      const lastMonthEnd = addDays(startOfMonth(today), -1);
      return { since: startOfMonth(lastMonthEnd), until: lastMonthEnd };
    }
    case 'this_quarter':
      return { since: startOfQuarter(today), until: today };
    case 'last_quarter': {
      const end = addDays(startOfQuarter(today), -1);
      return { since: startOfQuarter(end), until: end };
    }
    case 'this_year':
      return { since: startOfYear(today), until: today };
    case 'last_year': {
      const end = addDays(startOfYear(today), -1);
      return { since: startOfYear(end), until: end };
    }
    case 'this_week_mon_today':
      return { since: weekStart(1), until: today };
    case 'this_week_sun_today':
      return { since: weekStart(0), until: today };
    case 'last_week_mon_sun': {
      const since = addDays(weekStart(1), -7);
      return { since, until: addDays(since, 6) };
    }
    case 'last_week_sun_sat': {
      const since = addDays(weekStart(0), -7);
      return { since, until: addDays(since, 6) };
    }
    case 'maximum':
    case 'data_maximum':
      return { since: earliest, until: today };
  }
};

/** `time_range` (JSON `{"since","until"}`) wins over `date_preset`; default is `last_30d`. */
export const resolveDateRange = (
  datePreset: string | undefined,
  timeRange: string | undefined,
  today: string,
  earliest: string,
): DateRange => {
  if (timeRange !== undefined && timeRange !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(timeRange);
    } catch {
      throw graphErrors.invalidParameter(
        '(#100) param time_range must be a JSON object with since and until',
      );
    }
    const range = parsed as Partial<Record<'since' | 'until', unknown>>;
    if (
      typeof range.since !== 'string' ||
      typeof range.until !== 'string' ||
      !isIsoDate(range.since) ||
      !isIsoDate(range.until)
    ) {
      throw graphErrors.invalidParameter(
        "(#100) time_range must contain 'since' and 'until' dates in YYYY-MM-DD format",
      );
    }
    if (range.since > range.until)
      throw graphErrors.invalidParameter('(#100) time_range: since must be on or before until');
    if (daysBetween(range.since, range.until) > 37 * 31) {
      throw graphErrors.invalidParameter('(#100) time_range cannot exceed 37 months');
    }
    return { since: range.since, until: range.until };
  }
  const preset = datePreset ?? 'last_30d';
  if (!isPreset(preset)) {
    throw graphErrors.invalidParameter(
      `(#100) date_preset must be one of the following values: ${DATE_PRESETS.join(', ')}`,
    );
  }
  return presetRange(preset, today, earliest);
};

export type TimeIncrement = { kind: 'all_days' } | { kind: 'monthly' } | { kind: 'days'; days: number };

export const parseTimeIncrement = (raw: string | undefined): TimeIncrement => {
  if (raw === undefined || raw === '' || raw === 'all_days') return { kind: 'all_days' };
  if (raw === 'monthly') return { kind: 'monthly' };
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    throw graphErrors.invalidParameter(
      "(#100) time_increment must be an integer between 1 and 90, 'monthly' or 'all_days'",
    );
  }
  return { kind: 'days', days };
};

/** Split a range into reporting periods. */
export const splitPeriods = (range: DateRange, increment: TimeIncrement): DateRange[] => {
  if (increment.kind === 'all_days') return [range];
  const periods: DateRange[] = [];
  let since = range.since;
  while (since <= range.until) {
    const stop =
      increment.kind === 'monthly'
        ? minDate(endOfMonth(since), range.until)
        : minDate(addDays(since, increment.days - 1), range.until);
    periods.push({ since, until: stop });
    since = addDays(stop, 1);
  }
  return periods;
};
