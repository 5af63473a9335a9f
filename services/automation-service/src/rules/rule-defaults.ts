import type { RuleKey, RuleView, VariableSource } from '@crm/contracts';

export const DEFAULT_DELAY_SECONDS = 24 * 3600;

/** What a tenant that never configured a rule gets: disabled, the suggested template and mapping. */
export const RULE_DEFAULTS: Record<RuleKey, Omit<RuleView, 'key' | 'updatedAt'>> = {
  lead_followup: {
    enabled: false,
    delaySeconds: DEFAULT_DELAY_SECONDS,
    templateName: 'seguimiento_lead',
    templateLanguage: 'es',
    variableMapping: ['lead.first_name', 'seller.name', 'tenant.name'] satisfies VariableSource[],
  },
};

export function defaultRule(key: RuleKey): RuleView {
  const defaults = RULE_DEFAULTS[key];
  return { key, ...defaults, variableMapping: [...defaults.variableMapping], updatedAt: null };
}
