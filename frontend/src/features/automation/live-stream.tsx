import type { AutomationLiveEvent } from '@crm/contracts/browser';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLiveSends, type LiveState } from './live-sends';

/** How long the first reads wait for the stream's `ready` before reading anyway (the page never stays empty). */
export const READY_WAIT_MS = 2_000;
/** Funnels are re-read at most this often while events stream in. */
const FUNNELS_REFRESH_MS = 5_000;

type SendListener = (event: AutomationLiveEvent) => void;

type LiveStream = {
  state: LiveState;
  /** The log and the funnels may be read; once true it stays true (later reads are never held back). */
  canRead: boolean;
  listeners: Set<SendListener>;
};

const LiveStreamContext = createContext<LiveStream | null>(null);

/**
 * The automation page's one live stream, shared by the log and the funnels. Their first reads wait for the stream's
 * `ready`: the server has subscribed by then, so a send between a read and the subscription cannot be missed and
 * nothing is read twice. They read without it when the stream is closed (refused, or no EventSource) or not ready
 * within READY_WAIT_MS. A `ready` after they were read (a reconnect) reads both again for what was missed.
 */
export function LiveStreamProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [canRead, setCanRead] = useState(false);
  const [listeners] = useState(() => new Set<SendListener>());
  const funnelsReadAt = useRef(0);

  const refreshFunnels = () => {
    if (Date.now() - funnelsReadAt.current < FUNNELS_REFRESH_MS) return;
    funnelsReadAt.current = Date.now();
    void queryClient.invalidateQueries({ queryKey: ['automation', 'funnels'] });
  };
  const state = useLiveSends({
    onSend: (event) => {
      for (const listener of listeners) listener(event);
      refreshFunnels();
    },
    onReady: () => {
      if (!canRead) {
        // The first reads start now (the funnels' read counts as their refresh).
        funnelsReadAt.current = Date.now();
        setCanRead(true);
        return;
      }
      void queryClient.invalidateQueries({ queryKey: ['automation', 'logs'] });
      funnelsReadAt.current = 0;
      refreshFunnels();
    },
  });
  // A closed stream reconnects only after seconds, if at all: read now.
  if (state === 'closed' && !canRead) setCanRead(true);

  useEffect(() => {
    if (canRead) return;
    const wait = setTimeout(() => {
      funnelsReadAt.current = Date.now();
      setCanRead(true);
    }, READY_WAIT_MS);
    return () => clearTimeout(wait);
  }, [canRead]);

  const stream = useMemo(() => ({ state, canRead, listeners }), [state, canRead, listeners]);
  return <LiveStreamContext.Provider value={stream}>{children}</LiveStreamContext.Provider>;
}

function useStreamContext(): LiveStream {
  const stream = useContext(LiveStreamContext);
  if (!stream) throw new Error('the live stream is only available below <LiveStreamProvider>');
  return stream;
}

/** The stream's state (for the "live" badge) and whether the log and the funnels may be read yet. */
export function useLiveStream(): { state: LiveState; canRead: boolean } {
  const { state, canRead } = useStreamContext();
  return { state, canRead };
}

/** Hears each send transition the stream pushes, once. */
export function useLiveSendEvents(onSend: SendListener): void {
  const { listeners } = useStreamContext();
  const latest = useRef(onSend);
  useEffect(() => {
    latest.current = onSend;
  });
  useEffect(() => {
    const listener: SendListener = (event) => latest.current(event);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listeners]);
}
