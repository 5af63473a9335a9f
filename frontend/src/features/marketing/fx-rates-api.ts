import type { FxImportResult, FxRateView } from '@crm/contracts/browser';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

/** A rate as `PUT /crm/marketing/fx-rates` takes it: 1 `from` = `rate` `to` from `day` on. */
export type FxRateInput = { day: string; from: string; to: string; rate: number };

export const fxRateKeys = {
  list: ['marketing', 'fx-rates'] as const,
};

/** A changed rate changes converted revenue: the rates and every report of the Marketing Hub are read again. */
function refreshAfterChange(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: fxRateKeys.list });
  void queryClient.invalidateQueries({
    predicate: (query) =>
      query.queryKey[0] === 'marketing' && ['stats', 'roi', 'report'].includes(String(query.queryKey[1])),
  });
}

export function useFxRates() {
  return useQuery({
    queryKey: fxRateKeys.list,
    queryFn: ({ signal }) => http<FxRateView[]>('/crm/marketing/fx-rates', { signal }),
  });
}

export function usePutFxRate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (rate: FxRateInput) =>
      http<FxRateView>('/crm/marketing/fx-rates', { method: 'PUT', body: rate }),
    onSuccess: () => refreshAfterChange(queryClient),
  });
}

export function useDeleteFxRate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      http<{ deleted: true }>(`/crm/marketing/fx-rates/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => refreshAfterChange(queryClient),
  });
}

export function useImportFxRates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) =>
      http<FxImportResult>('/crm/marketing/fx-rates/import', {
        method: 'POST',
        body: file,
        contentType: 'text/csv',
      }),
    onSuccess: () => refreshAfterChange(queryClient),
  });
}
