import type { AutomationRuleView, TemplateDetailView, TemplateMapping } from '@crm/contracts/browser';
import { delayFromSeconds, type DelayUnit } from './delay';

/** What a card edits before it is saved; kept by the page, so collapsing a card or opening another keeps it. */
export type RuleDraft = {
  enabled: boolean;
  delayValue: string;
  delayUnit: DelayUnit;
  /** `name|language`, or '' for none. */
  template: string;
  mapping: TemplateMapping;
};

export function templateKey(template: { name: string; language: string }): string {
  return `${template.name}|${template.language}`;
}

export function draftOf(rule: AutomationRuleView): RuleDraft {
  const delay = delayFromSeconds(rule.delaySeconds);
  return {
    enabled: rule.enabled,
    delayValue: String(delay.value),
    delayUnit: delay.unit,
    template:
      rule.templateName && rule.templateLanguage
        ? templateKey({ name: rule.templateName, language: rule.templateLanguage })
        : '',
    mapping: {
      header: rule.mapping?.header ?? [],
      body: rule.mapping?.body ?? rule.variableMapping ?? [],
      buttons: rule.mapping?.buttons ?? [],
      ...(rule.mapping?.headerMedia ? { headerMedia: rule.mapping.headerMedia } : {}),
    },
  };
}

export function sameDraft(a: RuleDraft, b: RuleDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when the draft differs from the saved rule. */
export function isDirty(rule: AutomationRuleView, draft: RuleDraft | undefined): boolean {
  return draft !== undefined && !sameDraft(draft, draftOf(rule));
}

export function findTemplate(templates: TemplateDetailView[], key: string): TemplateDetailView | null {
  return templates.find((template) => templateKey(template) === key) ?? null;
}
