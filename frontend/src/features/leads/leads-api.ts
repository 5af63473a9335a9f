import type {
  LeadDetail,
  LeadPage,
  LeadSort,
  LeadSource,
  LeadStatus,
  LeadView,
} from '@crm/contracts/browser';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

/** What `GET /crm/leads` is asked (instants already resolved from the page's day pickers). */
export type LeadFilters = {
  pageSize: number;
  status?: LeadStatus;
  source?: LeadSource;
  search?: string;
  campaignId?: string;
  adId?: string;
  assignedUserId?: string;
  tag?: string;
  createdFrom?: string;
  createdTo?: string;
  sort?: LeadSort;
  /** The previous page's `nextCursor` (keyset paging); absent for the first page, which also counts the total. */
  cursor?: string;
};

export const leadKeys = {
  all: ['leads'] as const,
  list: (filters: LeadFilters) => ['leads', 'list', filters] as const,
  detail: (id: string) => ['leads', 'detail', id] as const,
};

export function fetchLeads(filters: LeadFilters, signal?: AbortSignal): Promise<LeadPage> {
  return http<LeadPage>('/crm/leads', {
    query: {
      pageSize: filters.pageSize,
      status: filters.status,
      source: filters.source,
      search: filters.search,
      campaignId: filters.campaignId,
      adId: filters.adId,
      assignedUserId: filters.assignedUserId,
      tag: filters.tag,
      createdFrom: filters.createdFrom,
      createdTo: filters.createdTo,
      sort: filters.sort,
      cursor: filters.cursor,
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

/** Fields `PATCH /crm/leads/:id` takes; only the ones that changed are sent. */
export type LeadChanges = Partial<{
  name: string;
  email: string | null;
  phone: string;
  assignedUserId: string | null;
  status: LeadStatus;
  notes: string | null;
  tags: string[];
}>;

export function useUpdateLead(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: LeadChanges) =>
      http<LeadView>(`/crm/leads/${encodeURIComponent(id)}`, { method: 'PATCH', body: changes }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: leadKeys.all }),
  });
}
