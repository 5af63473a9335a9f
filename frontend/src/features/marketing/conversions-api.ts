import type {
  ConversionDatasetOption,
  ConversionEventName,
  ConversionLogEntry,
  ConversionSettingsView,
  Page,
} from '@crm/contracts/browser';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

/** What the Conversions API section saves (`PUT /crm/marketing/conversions/settings`). */
export type ConversionSettingsChange = {
  enabled: boolean;
  datasetId: string | null;
  qualifiedEvent: ConversionEventName | null;
  opportunityEvent: ConversionEventName | null;
  wonEvent: ConversionEventName | null;
};

export const CONVERSION_LOG_PAGE_SIZE = 10;

export const conversionKeys = {
  settings: ['marketing', 'conversions', 'settings'] as const,
  datasets: ['marketing', 'conversions', 'datasets'] as const,
  log: (page: number) => ['marketing', 'conversions', 'log', page] as const,
};

export function useConversionSettings() {
  return useQuery({
    queryKey: conversionKeys.settings,
    queryFn: ({ signal }) => http<ConversionSettingsView>('/crm/marketing/conversions/settings', { signal }),
  });
}

export function useConversionDatasets() {
  return useQuery({
    queryKey: conversionKeys.datasets,
    queryFn: ({ signal }) =>
      http<ConversionDatasetOption[]>('/crm/marketing/conversions/datasets', { signal }),
  });
}

export function useUpdateConversionSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: ConversionSettingsChange) =>
      http<ConversionSettingsView>('/crm/marketing/conversions/settings', { method: 'PUT', body: change }),
    onSuccess: (view) => queryClient.setQueryData(conversionKeys.settings, view),
  });
}

export function useConversionLog(page: number) {
  return useQuery({
    queryKey: conversionKeys.log(page),
    queryFn: ({ signal }) =>
      http<Page<ConversionLogEntry>>('/crm/marketing/conversions/log', {
        query: { page, pageSize: CONVERSION_LOG_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}
