import type { AutomationLiveEvent, AutomationLogView } from '@crm/contracts/browser';
import { useEffect, useRef, useState } from 'react';

export const LIVE_URL = '/crm/marketing/automation/live';
/** After the browser gives up (the stream answered 401/403/429 or the network is gone), try again this much later. */
const RESTART_AFTER_MS = 10_000;

export type LiveState = 'connecting' | 'open' | 'closed';

/**
 * The live log's feed: an EventSource on the gateway's SSE stream. `onReady` runs on every (re)connect — events
 * missed while disconnected are caught up by re-reading the log; `onSend` gets each send transition once (an
 * `eventId` already seen is dropped).
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
