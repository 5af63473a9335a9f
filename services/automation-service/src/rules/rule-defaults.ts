import type {
  AutomationRuleView,
  BuiltinRuleKey,
  RuleLimits,
  TemplateMapping,
  TemplateVariableSource,
} from '@crm/contracts';

export const DEFAULT_DELAY_SECONDS = 24 * 3600;

export const DEFAULT_LIMITS: RuleLimits = {
  respectFrequencyCap: true,
  utilityToOptedOut: false,
  maxPerContact: null,
  perDays: null,
};

export const EMPTY_MAPPING: TemplateMapping = { header: [], body: [], buttons: [] };

const body = (...sources: TemplateVariableSource[]): TemplateMapping => ({
  header: [],
  body: sources,
  buttons: [],
});

type BuiltinDefaults = Omit<AutomationRuleView, 'key' | 'updatedAt' | 'variableMapping'>;

/**
 * The three built-in rules as a tenant that never configured them gets them: disabled, the seed's timing and the
 * sandbox/demo WhatsApp templates with a mapping that fits them. `delaySeconds` is after the event, except for
 * `opportunity_reminder` (before the deadline).
 */
export const BUILTIN_RULE_DEFAULTS: Record<BuiltinRuleKey, BuiltinDefaults> = {
  lead_followup: {
    builtIn: true,
    name: null,
    enabled: false,
    trigger: { type: 'lead.created' },
    delaySeconds: DEFAULT_DELAY_SECONDS,
    conditions: {},
    templateName: 'seguimiento_lead',
    templateLanguage: 'es',
    mapping: body('lead.first_name', 'seller.name', 'tenant.name'),
    freeFormText: null,
    sendWindow: null,
    limits: DEFAULT_LIMITS,
    pause: null,
  },
  opportunity_reminder: {
    builtIn: true,
    name: null,
    enabled: false,
    trigger: { type: 'opportunity.deadline' },
    delaySeconds: 2 * 3600,
    conditions: {},
    templateName: 'recordatorio_cita',
    templateLanguage: 'es',
    mapping: body('lead.first_name', 'opportunity.deadline', 'opportunity.title'),
    freeFormText: null,
    sendWindow: null,
    limits: DEFAULT_LIMITS,
    pause: null,
  },
  post_sale_feedback: {
    builtIn: true,
    name: null,
    enabled: false,
    trigger: { type: 'sale.completed' },
    delaySeconds: 7 * 24 * 3600,
    conditions: {},
    templateName: 'encuesta_satisfaccion',
    templateLanguage: 'es',
    mapping: body('lead.first_name'),
    freeFormText: null,
    sendWindow: null,
    limits: DEFAULT_LIMITS,
    pause: null,
  },
};

/** A built-in rule with its defaults (`updatedAt` null: never configured). */
export function defaultRule(key: BuiltinRuleKey): AutomationRuleView {
  const defaults = BUILTIN_RULE_DEFAULTS[key];
  const mapping: TemplateMapping = {
    header: [...defaults.mapping.header],
    body: [...defaults.mapping.body],
    buttons: defaults.mapping.buttons.map((b) => ({ ...b })),
  };
  return {
    key,
    ...defaults,
    trigger: { ...defaults.trigger },
    conditions: {},
    limits: { ...defaults.limits },
    mapping,
    variableMapping: [...mapping.body],
    updatedAt: null,
  };
}
