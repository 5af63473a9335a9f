import type { LeadTimelinePage } from '@crm/contracts/browser';
import { useInfiniteQuery } from '@tanstack/react-query';
import { http } from '../../api/http';

export const TIMELINE_PAGE_SIZE = 30;

export const lead360Keys = {
  timeline: (id: string) => ['leads', 'timeline', id] as const,
};

/** The lead's history, newest first, one page at a time (keyset cursor). */
export function useLeadTimeline(leadId: string) {
  return useInfiniteQuery({
    queryKey: lead360Keys.timeline(leadId),
    queryFn: ({ pageParam, signal }) =>
      http<LeadTimelinePage>(`/crm/leads/${encodeURIComponent(leadId)}/timeline`, {
        query: { limit: TIMELINE_PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
