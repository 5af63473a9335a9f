import type {
  OpportunityBoard,
  OpportunityStatus,
  OpportunityView,
  SaleView,
  TenantView,
} from '@crm/contracts/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

export const opportunityKeys = {
  all: ['opportunities'] as const,
  board: () => ['opportunities', 'board'] as const,
};

/** Cards shown per column. */
export const BOARD_CARDS = 50;

export function useOpportunityBoard() {
  return useQuery({
    queryKey: opportunityKeys.board(),
    queryFn: ({ signal }) =>
      http<OpportunityBoard>('/crm/opportunities/board', { query: { perStatus: BOARD_CARDS }, signal }),
  });
}

export type StatusChange = { id: string; status: OpportunityStatus; lostReason?: string };

export function useChangeOpportunityStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status, lostReason }: StatusChange) =>
      http<OpportunityView>(`/crm/opportunities/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: { status, lostReason },
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: opportunityKeys.all }),
  });
}

export type NewSale = { leadId: string; opportunityId: string; amount: number; currency: string };

export function useRecordSale() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sale: NewSale) => http<SaleView>('/crm/sales', { method: 'POST', body: sale }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['leads'] }),
  });
}

/** The tenant's settings: a new opportunity starts in the tenant's currency. */
export function useTenant() {
  return useQuery({
    queryKey: ['tenant'],
    queryFn: ({ signal }) => http<TenantView>('/crm/tenant', { signal }),
    staleTime: 5 * 60_000,
  });
}

export type NewOpportunity = {
  leadId: string;
  title: string;
  value: number;
  currency: string;
  deadline?: string;
};

export function useCreateOpportunity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (opportunity: NewOpportunity) =>
      http<OpportunityView>('/crm/opportunities', { method: 'POST', body: opportunity }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: opportunityKeys.all }),
        queryClient.invalidateQueries({ queryKey: ['leads'] }),
      ]),
  });
}
