import type { LeadDetail, LeadSource, LeadStatus, LeadView, Page } from '@crm/contracts/browser';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

export type LeadFilters = {
  page: number;
  pageSize: number;
  status?: LeadStatus;
  source?: LeadSource;
  search?: string;
};

export const leadKeys = {
  all: ['leads'] as const,
  list: (filters: LeadFilters) => ['leads', 'list', filters] as const,
  detail: (id: string) => ['leads', 'detail', id] as const,
};

/**
 * A page of the list. `total` is exact up to `LEAD_TOTAL_CAP`; `totalCapped` says more leads match (the list then
 * reads "more than 10,000").
 */
export type LeadListPage = Page<LeadView> & { totalCapped?: boolean };

export function fetchLeads(filters: LeadFilters, signal?: AbortSignal): Promise<LeadListPage> {
  return http<LeadListPage>('/crm/leads', {
    query: {
      page: filters.page,
      pageSize: filters.pageSize,
      status: filters.status,
      source: filters.source,
      search: filters.search,
    },
    signal,
  });
}

export function useLeads(filters: LeadFilters) {
  return useQuery({
    queryKey: leadKeys.list(filters),
    queryFn: ({ signal }) => fetchLeads(filters, signal),
    placeholderData: keepPreviousData,
  });
}

export function useLead(id: string | null) {
  return useQuery({
    queryKey: leadKeys.detail(id ?? ''),
    queryFn: ({ signal }) => http<LeadDetail>(`/crm/leads/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: id !== null,
  });
}

export type NewLead = { name: string; phone: string; email?: string; leadSource: LeadSource };

/** `POST /crm/leads`: a ceo's new lead goes to the next active setter (round-robin); a seller keeps theirs. */
export function useCreateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (newLead: NewLead) => http<LeadView>('/crm/leads', { method: 'POST', body: newLead }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: leadKeys.all }),
  });
}
