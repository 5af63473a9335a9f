import type {
  AutomationLogView,
  AutomationMetrics,
  Page,
  RuleKey,
  RuleView,
  SendStatus,
  TemplateView,
  VariableSource,
} from '@crm/contracts/browser';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';

export type RuleUpdate = {
  enabled?: boolean;
  delaySeconds?: number;
  templateName?: string;
  templateLanguage?: string;
  variableMapping?: VariableSource[];
};

export type LogFilters = { page: number; pageSize: number; status?: SendStatus; ruleKey?: RuleKey };

export const LOG_POLL_INTERVAL_MS = 3_000;

export const automationKeys = {
  rules: ['automation', 'rules'] as const,
  templates: ['automation', 'templates'] as const,
  logs: (filters: LogFilters) => ['automation', 'logs', filters] as const,
  metrics: (ruleKey: RuleKey) => ['automation', 'metrics', ruleKey] as const,
};

export function useRules() {
  return useQuery({
    queryKey: automationKeys.rules,
    queryFn: ({ signal }) => http<RuleView[]>('/crm/marketing/automation/rules', { signal }),
  });
}

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
    onSuccess: (templates) => queryClient.setQueryData(automationKeys.templates, templates),
  });
}

export function useUpdateRule(key: RuleKey) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: RuleUpdate) =>
      http<RuleView>(`/crm/marketing/automation/rules/${key}`, { method: 'PATCH', body: update }),
    onSuccess: (rule) => {
      queryClient.setQueryData<RuleView[]>(automationKeys.rules, (rules) =>
        rules ? rules.map((current) => (current.key === rule.key ? rule : current)) : [rule],
      );
    },
  });
}

/** The live send log: polled every 3 s while the page is open. */
export function useAutomationLogs(filters: LogFilters) {
  return useQuery({
    queryKey: automationKeys.logs(filters),
    queryFn: ({ signal }) =>
      http<Page<AutomationLogView>>('/crm/marketing/automation-logs', {
        query: {
          page: filters.page,
          pageSize: filters.pageSize,
          status: filters.status,
          ruleKey: filters.ruleKey,
        },
        signal,
      }),
    refetchInterval: LOG_POLL_INTERVAL_MS,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/**
 * Aggregate send funnel (`AutomationMetrics`) from `GET /crm/marketing/automation/metrics`. Polled with the log;
 * polling stops if the gateway does not serve the route (404), and the page falls back to per-page counts.
 */
export function useAutomationMetrics(ruleKey: RuleKey) {
  return useQuery({
    queryKey: automationKeys.metrics(ruleKey),
    queryFn: ({ signal }) =>
      http<AutomationMetrics>('/crm/marketing/automation/metrics', { query: { ruleKey }, signal }),
    refetchInterval: (query) => (query.state.status === 'error' ? false : LOG_POLL_INTERVAL_MS),
    staleTime: 0,
  });
}
