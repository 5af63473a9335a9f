import { startOfDay } from '../../lib/zoned-day';
import type { BackfillRequest } from './lead-ads-api';

/** The backfill form as typed: a form and two calendar days (`YYYY-MM-DD`), both included. */
export type BackfillDraft = { formId: string; since: string; until: string };

export type BackfillProblem = 'missingForm' | 'missingDates' | 'sinceAfterUntil' | 'future' | null;

const DAY_MS = 86_400_000;

/** Today's calendar day (`YYYY-MM-DD`) in a timezone (the browser's when none). */
export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** What the form starts with: no form chosen, the last 7 days up to today. */
export function initialBackfillDraft(timeZone: string | undefined, now: Date = new Date()): BackfillDraft {
  return {
    formId: '',
    since: todayIn(timeZone, new Date(now.getTime() - 6 * DAY_MS)),
    until: todayIn(timeZone, now),
  };
}

/** Why the draft cannot be sent yet (the API also refuses an empty or future range). */
export function backfillProblem(draft: BackfillDraft, today: string): BackfillProblem {
  if (!draft.formId) return 'missingForm';
  if (!draft.since || !draft.until) return 'missingDates';
  if (draft.since > draft.until) return 'sinceAfterUntil';
  if (draft.until > today) return 'future';
  return null;
}

/**
 * The request: from the start of the first day to the end of the last one in the tenant's timezone, but never past
 * now (the API refuses a future `until`). Null when a day is not a real date.
 */
export function toBackfillRequest(
  draft: BackfillDraft,
  timeZone: string | undefined,
  now: Date = new Date(),
): BackfillRequest | null {
  const since = startOfDay(draft.since, timeZone);
  const endOfLastDay = startOfDay(draft.until, timeZone, 1);
  if (!since || !endOfLastDay) return null;
  const until = Date.parse(endOfLastDay) > now.getTime() ? now.toISOString() : endOfLastDay;
  return { formId: draft.formId, since, until };
}
