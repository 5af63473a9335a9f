import { DEFAULT_REPORT_VIEW, REPORT_VIEWS, type RangePreset, type ReportView } from '@crm/contracts/browser';
import type { ReportQuery } from './marketing-api';

export type RangeState = { preset: RangePreset; since: string; until: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of a local calendar day. */
export function toIsoDate(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

export function initialRange(today: Date = new Date()): RangeState {
  return {
    preset: 'last_30d',
    since: toIsoDate(new Date(today.getTime() - 29 * DAY_MS)),
    until: toIsoDate(today),
  };
}

export type RangeProblem = 'missingDates' | 'sinceAfterUntil' | null;

export function rangeProblem(range: RangeState): RangeProblem {
  if (range.preset !== 'custom') return null;
  if (!range.since || !range.until) return 'missingDates';
  if (range.since > range.until) return 'sinceAfterUntil';
  return null;
}

/** The query sent to the API; custom dates are only sent with the `custom` preset. */
export function toReportQuery(range: RangeState): ReportQuery {
  return range.preset === 'custom'
    ? { preset: 'custom', since: range.since, until: range.until }
    : { preset: range.preset };
}

/** The report view kept in the address bar (`?view=cohort`); anything else is the default view. */
export function readReportView(value: string | null): ReportView {
  return REPORT_VIEWS.find((view) => view === value) ?? DEFAULT_REPORT_VIEW;
}
