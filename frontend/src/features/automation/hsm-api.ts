import { BUILTIN_RULE_KEYS } from '@crm/contracts/browser';
import type {
  AutomationLogView,
  AutomationMetricsV2,
  AutomationRuleView,
  LeadPage,
  RuleConditions,
  RuleLimits,
  RuleTrigger,
  SendWindow,
  TemplateDetailView,
  TemplateMapping,
  TriggerPreview,
} from '@crm/contracts/browser';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';
import { automationKeys } from './automation-api';

/** The editable fields of a rule as `PATCH …/rules/:key` and `POST …/rules` take them (`RuleFieldsInput`). */
export type RuleFields = {
  name?: string;
  enabled?: boolean;
  trigger?: RuleTrigger;
  delaySeconds?: number;
  conditions?: RuleConditions;
  templateName?: string;
  templateLanguage?: string;
  mapping?: TemplateMapping;
  freeFormText?: string | null;
  sendWindow?: SendWindow | null;
  limits?: Partial<RuleLimits>;
};

export type FunnelFilters = { conversionDays: number; from?: string; to?: string };

export const hsmKeys = {
  templateDetails: ['automation', 'templates', 'details'] as const,
  funnels: (filters: FunnelFilters) => ['automation', 'funnels', filters] as const,
  leadSearch: (search: string) => ['automation', 'lead-search', search] as const,
};

const BUILTIN_TRIGGERS: Record<string, RuleTrigger['type']> = {
  lead_followup: 'lead.created',
  opportunity_reminder: 'opportunity.deadline',
  post_sale_feedback: 'sale.completed',
};

/**
 * A rule as the page uses it. A gateway that still answers the older `RuleView` (no trigger, mapping or limits)
 * gets the built-in defaults filled in instead of breaking the page.
 */
export function normalizeRule(rule: Partial<AutomationRuleView> & { key: string }): AutomationRuleView {
  const builtIn = rule.builtIn ?? (BUILTIN_RULE_KEYS as readonly string[]).includes(rule.key);
  const body = rule.mapping?.body ?? rule.variableMapping ?? [];
  return {
    key: rule.key,
    builtIn,
    name: rule.name ?? null,
    enabled: rule.enabled ?? false,
    trigger: rule.trigger ?? { type: BUILTIN_TRIGGERS[rule.key] ?? 'lead.created' },
    delaySeconds: rule.delaySeconds ?? 0,
    conditions: rule.conditions ?? {},
    templateName: rule.templateName ?? null,
    templateLanguage: rule.templateLanguage ?? null,
    variableMapping: body,
    mapping: { header: rule.mapping?.header ?? [], body, buttons: rule.mapping?.buttons ?? [] },
    freeFormText: rule.freeFormText ?? null,
    sendWindow: rule.sendWindow ?? null,
    limits: rule.limits ?? {
      respectFrequencyCap: true,
      utilityToOptedOut: false,
      maxPerContact: null,
      perDays: null,
    },
    pause: rule.pause ?? null,
    updatedAt: rule.updatedAt ?? null,
  };
}

/** Every rule of the tenant, built-in and custom (`AutomationRuleView[]`). */
export function useAutomationRules() {
  return useQuery({
    queryKey: automationKeys.rules,
    queryFn: async ({ signal }) =>
      (await http<AutomationRuleView[]>('/crm/marketing/automation/rules', { signal })).map(normalizeRule),
  });
}

export function useTemplateDetails() {
  return useQuery({
    queryKey: hsmKeys.templateDetails,
    queryFn: ({ signal }) =>
      http<TemplateDetailView[]>('/crm/marketing/automation/templates/details', { signal }),
  });
}

function useReplaceRule() {
  const queryClient = useQueryClient();
  return (answer: AutomationRuleView) => {
    const rule = normalizeRule(answer);
    queryClient.setQueryData<AutomationRuleView[]>(automationKeys.rules, (rules) =>
      rules?.some((current) => current.key === rule.key)
        ? rules.map((current) => (current.key === rule.key ? rule : current))
        : [...(rules ?? []), rule],
    );
  };
}

export function useSaveRule(key: string) {
  const replace = useReplaceRule();
  return useMutation({
    mutationFn: (fields: RuleFields) =>
      http<AutomationRuleView>(`/crm/marketing/automation/rules/${key}`, { method: 'PATCH', body: fields }),
    onSuccess: replace,
  });
}

export function useCreateRule() {
  const replace = useReplaceRule();
  return useMutation({
    mutationFn: (fields: RuleFields & { name: string; trigger: RuleTrigger }) =>
      http<AutomationRuleView>('/crm/marketing/automation/rules', { method: 'POST', body: fields }),
    onSuccess: replace,
  });
}

export function useDeleteRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) =>
      http<unknown>(`/crm/marketing/automation/rules/${key}`, { method: 'DELETE' }),
    onSuccess: (_answer, key) =>
      queryClient.setQueryData<AutomationRuleView[]>(automationKeys.rules, (rules) =>
        rules?.filter((rule) => rule.key !== key),
      ),
  });
}

/** What the rule would send to one lead now, or why not (a dry run: nothing is sent). */
export function usePreview() {
  return useMutation({
    mutationFn: ({ ruleKey, leadId }: { ruleKey: string; leadId: string }) =>
      http<TriggerPreview>(`/crm/marketing/automation/rules/${ruleKey}/preview`, {
        method: 'POST',
        body: { leadId },
      }),
  });
}

/** Runs the rule for one lead now (the send then shows in the live log). */
export function useManualTrigger() {
  return useMutation({
    mutationFn: ({ ruleKey, leadId }: { ruleKey: string; leadId: string }) =>
      http<AutomationLogView>('/crm/marketing/automation/trigger', {
        method: 'POST',
        body: { ruleKey, leadId },
      }),
  });
}

/** Effectiveness per rule and template; `enabled` holds the first read until the live stream is ready. */
export function useFunnels(filters: FunnelFilters, { enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: hsmKeys.funnels(filters),
    queryFn: ({ signal }) =>
      http<AutomationMetricsV2>('/crm/marketing/automation/metrics/funnels', {
        query: { conversionDays: filters.conversionDays, from: filters.from, to: filters.to },
        signal,
      }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Leads by name for the pickers (names, never ids, are what people choose from). */
export function useLeadSearch(search: string) {
  const term = search.trim();
  return useQuery({
    queryKey: hsmKeys.leadSearch(term),
    queryFn: ({ signal }) => http<LeadPage>('/crm/leads', { query: { search: term, pageSize: 8 }, signal }),
    enabled: term.length >= 2,
    placeholderData: keepPreviousData,
  });
}
