import {
  DEFAULT_SEND_WINDOW,
  MAX_DELAY_SECONDS,
  type AutomationRuleView,
  type RuleTrigger,
  type RuleTriggerType,
  type TemplateDetailView,
  type TemplateMapping,
} from '@crm/contracts/browser';
import { delayFromSeconds, delayToSeconds, type DelayUnit } from './delay';
import type { RuleFields } from './hsm-api';
import { requestMapping } from './mapping-fields';
import { findTemplate, templateKey } from './rule-draft';

/** A wall-clock time as the API takes it. */
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The custom rule editor's fields, as typed (strings where the person types numbers). */
export type RuleForm = {
  name: string;
  enabled: boolean;
  triggerType: RuleTriggerType;
  toStatus: string;
  delayValue: string;
  delayUnit: DelayUnit;
  leadSources: string[];
  leadStatuses: string[];
  tags: string;
  minValue: string;
  maxValue: string;
  template: string;
  mapping: TemplateMapping;
  useFreeForm: boolean;
  freeFormText: string;
  useWindow: boolean;
  windowDays: number[];
  windowStart: string;
  windowEnd: string;
  respectFrequencyCap: boolean;
  utilityToOptedOut: boolean;
  maxPerContact: string;
  perDays: string;
};

export type RuleFormField =
  'name' | 'toStatus' | 'delay' | 'value' | 'template' | 'freeFormText' | 'window' | 'limits';

export type RuleFormProblem =
  | 'nameRequired'
  | 'nameTooLong'
  | 'toStatusRequired'
  | 'delayInvalid'
  | 'delayTooLong'
  | 'valueInvalid'
  | 'valueRange'
  | 'templateRequired'
  | 'templateNotApproved'
  | 'freeFormRequired'
  | 'windowDays'
  | 'windowTime'
  | 'limitsBoth'
  | 'limitsRange';

export function emptyRuleForm(): RuleForm {
  return {
    name: '',
    enabled: false,
    triggerType: 'lead.created',
    toStatus: '',
    delayValue: '1',
    delayUnit: 'hours',
    leadSources: [],
    leadStatuses: [],
    tags: '',
    minValue: '',
    maxValue: '',
    template: '',
    mapping: { header: [], body: [], buttons: [] },
    useFreeForm: false,
    freeFormText: '',
    useWindow: false,
    windowDays: [...DEFAULT_SEND_WINDOW.days],
    windowStart: DEFAULT_SEND_WINDOW.start,
    windowEnd: DEFAULT_SEND_WINDOW.end,
    respectFrequencyCap: true,
    utilityToOptedOut: false,
    maxPerContact: '',
    perDays: '',
  };
}

export function ruleFormOf(rule: AutomationRuleView): RuleForm {
  const delay = delayFromSeconds(rule.delaySeconds);
  const empty = emptyRuleForm();
  return {
    name: rule.name ?? '',
    enabled: rule.enabled,
    triggerType: rule.trigger.type,
    toStatus: rule.trigger.toStatus ?? '',
    delayValue: String(delay.value),
    delayUnit: delay.unit,
    leadSources: rule.conditions.leadSources ?? [],
    leadStatuses: rule.conditions.leadStatuses ?? [],
    tags: (rule.conditions.tags ?? []).join(', '),
    minValue: rule.conditions.minOpportunityValue == null ? '' : String(rule.conditions.minOpportunityValue),
    maxValue: rule.conditions.maxOpportunityValue == null ? '' : String(rule.conditions.maxOpportunityValue),
    template:
      rule.templateName && rule.templateLanguage
        ? templateKey({ name: rule.templateName, language: rule.templateLanguage })
        : '',
    mapping: rule.mapping ?? empty.mapping,
    useFreeForm: rule.freeFormText !== null && rule.freeFormText !== '',
    freeFormText: rule.freeFormText ?? '',
    useWindow: rule.sendWindow !== null,
    windowDays: rule.sendWindow?.days ?? empty.windowDays,
    windowStart: rule.sendWindow?.start ?? empty.windowStart,
    windowEnd: rule.sendWindow?.end ?? empty.windowEnd,
    respectFrequencyCap: rule.limits.respectFrequencyCap,
    utilityToOptedOut: rule.limits.utilityToOptedOut,
    maxPerContact: rule.limits.maxPerContact == null ? '' : String(rule.limits.maxPerContact),
    perDays: rule.limits.perDays == null ? '' : String(rule.limits.perDays),
  };
}

const OPPORTUNITY_TRIGGERS: readonly RuleTriggerType[] = [
  'opportunity.created',
  'opportunity.deadline',
  'opportunity.won',
  'opportunity.lost',
];

export function usesOpportunityValue(type: RuleTriggerType): boolean {
  return OPPORTUNITY_TRIGGERS.includes(type);
}

const wholeNumber = (text: string): number | null => {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isInteger(value) ? value : Number.NaN;
};

/** Checks the form the way the API will, so the person sees every problem at once, next to its field. */
export function validateRuleForm(
  form: RuleForm,
  templates: TemplateDetailView[],
):
  | { fields: RuleFields & { name: string; trigger: RuleTrigger }; problems: null }
  | { problems: Partial<Record<RuleFormField, RuleFormProblem>> } {
  const problems: Partial<Record<RuleFormField, RuleFormProblem>> = {};
  const name = form.name.trim();
  if (!name) problems.name = 'nameRequired';
  else if (name.length > 80) problems.name = 'nameTooLong';
  if (form.triggerType === 'lead.status_changed' && !form.toStatus) problems.toStatus = 'toStatusRequired';

  const delayValue = wholeNumber(form.delayValue);
  const delaySeconds =
    delayValue === null || Number.isNaN(delayValue)
      ? Number.NaN
      : delayToSeconds({ value: delayValue, unit: form.delayUnit });
  if (Number.isNaN(delaySeconds) || delaySeconds < 0) problems.delay = 'delayInvalid';
  else if (delaySeconds > MAX_DELAY_SECONDS) problems.delay = 'delayTooLong';

  // The value bounds are shown (and count) only for opportunity triggers.
  const withValue = usesOpportunityValue(form.triggerType);
  const minValue = !withValue || form.minValue.trim() === '' ? null : Number(form.minValue);
  const maxValue = !withValue || form.maxValue.trim() === '' ? null : Number(form.maxValue);
  if ((minValue !== null && !(minValue >= 0)) || (maxValue !== null && !(maxValue >= 0)))
    problems.value = 'valueInvalid';
  else if (minValue !== null && maxValue !== null && minValue > maxValue) problems.value = 'valueRange';

  const template = findTemplate(templates, form.template);
  if (!template) problems.template = 'templateRequired';
  else if (template.status !== 'APPROVED') problems.template = 'templateNotApproved';
  if (form.useFreeForm && !form.freeFormText.trim()) problems.freeFormText = 'freeFormRequired';

  if (form.useWindow) {
    if (form.windowDays.length === 0) problems.window = 'windowDays';
    // Like the company's hours (Settings) and the API: an end before the start crosses midnight (20:00–08:00 ends
    // the next morning), an end equal to the start is the whole day.
    else if (!HH_MM.test(form.windowStart) || !HH_MM.test(form.windowEnd)) problems.window = 'windowTime';
  }

  const maxPerContact = wholeNumber(form.maxPerContact);
  const perDays = wholeNumber(form.perDays);
  if ((maxPerContact === null) !== (perDays === null)) problems.limits = 'limitsBoth';
  else if (
    maxPerContact !== null &&
    perDays !== null &&
    (Number.isNaN(maxPerContact) ||
      Number.isNaN(perDays) ||
      maxPerContact < 1 ||
      maxPerContact > 100 ||
      perDays < 1 ||
      perDays > 365)
  )
    problems.limits = 'limitsRange';

  if (Object.keys(problems).length > 0 || !template) return { problems };
  const tags = form.tags
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  return {
    problems: null,
    fields: {
      name,
      enabled: form.enabled,
      trigger: {
        type: form.triggerType,
        ...(form.triggerType === 'lead.status_changed' ? { toStatus: form.toStatus } : {}),
      },
      delaySeconds,
      conditions: {
        leadSources: form.leadSources,
        leadStatuses: form.leadStatuses,
        tags,
        minOpportunityValue: minValue,
        maxOpportunityValue: maxValue,
      },
      templateName: template.name,
      templateLanguage: template.language,
      mapping: requestMapping(form.mapping, template),
      freeFormText: form.useFreeForm ? form.freeFormText.trim() : null,
      sendWindow: form.useWindow
        ? { days: [...form.windowDays].sort(), start: form.windowStart, end: form.windowEnd }
        : null,
      limits: {
        respectFrequencyCap: form.respectFrequencyCap,
        utilityToOptedOut: form.utilityToOptedOut,
        maxPerContact,
        perDays,
      },
    },
  };
}
