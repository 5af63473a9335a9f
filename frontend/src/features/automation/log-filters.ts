import type { AutomationLogView, SendStatus } from '@crm/contracts/browser';
import { startOfDay } from '../../lib/zoned-day';

/** The log's filters, all applied by the API (`day`: `YYYY-MM-DD` in the tenant's timezone). */
export type LogFilters = {
  page: number;
  pageSize: number;
  status?: SendStatus;
  ruleKey?: string;
  day?: string;
};

/**
 * Whether a row still matches the filters the page was read with. A live transition is applied in place, so a
 * row read as `scheduled` may since have moved on: the page hides it rather than show it under the wrong filter.
 * The day is the API's: when the send went out, else when it is due, in the tenant's timezone.
 */
export function matchesLogFilters(
  log: Pick<AutomationLogView, 'status' | 'ruleKey' | 'sentAt' | 'scheduledFor'>,
  filters: LogFilters,
  timeZone?: string,
): boolean {
  if (filters.status && log.status !== filters.status) return false;
  if (filters.ruleKey && log.ruleKey !== filters.ruleKey) return false;
  if (filters.day) {
    const start = startOfDay(filters.day, timeZone);
    const end = startOfDay(filters.day, timeZone, 1);
    if (!start || !end) return false;
    const at = Date.parse(log.sentAt ?? log.scheduledFor);
    if (at < Date.parse(start) || at >= Date.parse(end)) return false;
  }
  return true;
}
