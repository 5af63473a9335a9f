import type { AutomationLogView, Page, TemplateView } from '@crm/contracts/browser';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';
import type { LogFilters } from './log-filters';

export const automationKeys = {
  rules: ['automation', 'rules'] as const,
  templates: ['automation', 'templates'] as const,
  logs: (filters: LogFilters) => ['automation', 'logs', filters] as const,
};

export function useTemplates() {
  return useQuery({
    queryKey: automationKeys.templates,
    queryFn: ({ signal }) => http<TemplateView[]>('/crm/marketing/automation/templates', { signal }),
  });
}

/** Pulls the templates from Meta now instead of the last sync. */
export function useRefreshTemplates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      http<TemplateView[]>('/crm/marketing/automation/templates', { query: { refresh: true } }),
    onSuccess: (templates) => {
      queryClient.setQueryData(automationKeys.templates, templates);
      void queryClient.invalidateQueries({ queryKey: ['automation', 'templates', 'details'] });
    },
  });
}

/**
 * The send log, newest first. Not polled: the live stream (`LiveStreamProvider`) updates it in place or re-reads it
 * when a send it does not show yet moves, and on every reconnect. `enabled` holds the first read until the stream is
 * ready.
 */
export function useAutomationLogs(filters: LogFilters, { enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: automationKeys.logs(filters),
    queryFn: ({ signal }) =>
      http<Page<AutomationLogView>>('/crm/marketing/automation-logs', {
        query: {
          page: filters.page,
          pageSize: filters.pageSize,
          status: filters.status,
          ruleKey: filters.ruleKey,
          day: filters.day,
        },
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 0,
    enabled,
  });
}
