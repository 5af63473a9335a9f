import {
  parseSendHistoryLine,
  type AutomationLiveEvent,
  type AutomationLogView,
  type Page,
} from '@crm/contracts/browser';
import { useEffect, useRef, useState } from 'react';
import { matchesLogFilters, type LogFilters } from './log-filters';

export const LIVE_URL = '/crm/marketing/automation/live';
/** After the browser gives up (the stream answered 401/403/429 or the network is gone), try again this much later. */
const RESTART_AFTER_MS = 10_000;

export type LiveState = 'connecting' | 'open' | 'closed';

/**
 * The live log's feed: an EventSource on the gateway's SSE stream. `onReady` runs on every (re)connect, once the
 * server has subscribed (a read from then on misses nothing; `LiveStreamProvider` decides what to read); `onSend`
 * gets each send transition once (an `eventId` already seen is dropped).
 */
export function useLiveSends(handlers: {
  onSend: (event: AutomationLiveEvent) => void;
  onReady: () => void;
}): LiveState {
  const [state, setState] = useState<LiveState>(() =>
    typeof EventSource === 'undefined' ? 'closed' : 'connecting',
  );
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const seen = new Set<string>();
    let source: EventSource | null = null;
    let restart: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const open = () => {
      source = new EventSource(LIVE_URL, { withCredentials: true });
      source.addEventListener('ready', () => {
        setState('open');
        latest.current.onReady();
      });
      source.addEventListener('send', (message) => {
        let event: AutomationLiveEvent;
        try {
          event = JSON.parse((message as MessageEvent<string>).data) as AutomationLiveEvent;
        } catch {
          return;
        }
        if (event.eventId) {
          if (seen.has(event.eventId)) return;
          seen.add(event.eventId);
          if (seen.size > 5000) seen.clear();
        }
        latest.current.onSend(event);
      });
      source.onerror = () => {
        if (!source || source.readyState !== EventSource.CLOSED) {
          setState('connecting');
          return;
        }
        setState('closed');
        source.close();
        if (!stopped)
          restart = setTimeout(() => {
            setState('connecting');
            open();
          }, RESTART_AFTER_MS);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(restart);
      source?.close();
    };
  }, []);

  return state;
}

/** A log row with one more transition: its history stays in time order, and its status only moves to the newest. */
export function withLiveEvent(log: AutomationLogView, event: AutomationLiveEvent): AutomationLogView {
  const entry = {
    status: event.status,
    at: event.at,
    detail: event.detail,
  } as AutomationLogView['history'][number];
  if (log.history.some((item) => item.status === entry.status && item.at === entry.at)) return log;
  const history = sortHistory([...log.history, entry]);
  const newest = history[history.length - 1]!;
  return { ...log, history, status: newest.status as AutomationLogView['status'] };
}

/** History in the order things happened (by time; equal times keep their order). */
export function sortHistory<T extends { at: string }>(history: readonly T[]): T[] {
  return history
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => Date.parse(a.entry.at) - Date.parse(b.entry.at) || a.index - b.index)
    .map(({ entry }) => entry);
}

/**
 * When the event is the first line of a new send (its creation: a rule's trigger or a person's), when that send is
 * due; null for any other transition.
 */
export function newSendDueAt(event: AutomationLiveEvent): string | null {
  if (event.status !== 'scheduled' || !event.detail) return null;
  const line = parseSendHistoryLine(event.detail);
  if (line.kind === 'scheduled') return line.dueAt;
  if (line.kind === 'manual' || line.kind === 'manualResend') return event.at;
  return null;
}

/** What a live event does to one cached page of the log. */
export type LivePageChange = {
  page: Page<AutomationLogView>;
  /** Read the page again: a new send it should show, or a transition it cannot place. */
  refetch: boolean;
  /** A new send this page counted (count it once: pass it in `counted` from then on). */
  countedNew?: string;
};

/** The page with `delta` more sends counted; a capped count ("more than 10,000") stays as it is. */
function recounted(page: Page<AutomationLogView>, delta: number): Page<AutomationLogView> {
  return page.totalCapped ? page : { ...page, total: Math.max(0, page.total + delta) };
}

/**
 * Applies a live event to a page read with `filters`, keeping `total` the number of sends that match them:
 * - a send on the page: the transition is applied in place; the total moves only when it takes the send out of the
 *   filters (−1) or back into them (+1) — an update never counts as a new send;
 * - a new send (its creation line) not counted yet: +1 when it matches the filters (and the page is read again to
 *   show it), nothing at all when it does not;
 * - a transition of a send elsewhere: nothing when its rule is filtered out, else the page is read again (whether
 *   it entered or left the filters is known to the API only).
 */
export function applyLiveEvent(
  page: Page<AutomationLogView>,
  filters: LogFilters,
  event: AutomationLiveEvent,
  counted: ReadonlySet<string>,
  timeZone?: string,
): LivePageChange {
  const index = page.items.findIndex((item) => item.id === event.sendId);
  if (index >= 0) {
    const before = page.items[index]!;
    const after = withLiveEvent(before, event);
    if (after === before) return { page, refetch: false };
    const delta =
      Number(matchesLogFilters(after, filters, timeZone)) -
      Number(matchesLogFilters(before, filters, timeZone));
    const items = page.items.map((item, i) => (i === index ? after : item));
    return { page: { ...recounted(page, delta), items }, refetch: false };
  }
  const dueAt = newSendDueAt(event);
  if (dueAt !== null) {
    if (counted.has(event.sendId)) return { page, refetch: false };
    const sent = { status: event.status, ruleKey: event.ruleKey, sentAt: null, scheduledFor: dueAt };
    if (!matchesLogFilters(sent, filters, timeZone)) return { page, refetch: false };
    return { page: recounted(page, 1), refetch: true, countedNew: event.sendId };
  }
  if (filters.ruleKey && filters.ruleKey !== event.ruleKey) return { page, refetch: false };
  return { page, refetch: true };
}
