import type { AutomationRuleView, RuleTrigger } from '@crm/contracts/browser';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { delayFromSeconds } from './delay';

/** Rules measured back from a timestamp instead of forward from the event. */
export function countsBack(trigger: RuleTrigger): boolean {
  return trigger.type === 'opportunity.deadline';
}

export function delayText(t: TFunction, seconds: number): string {
  const delay = delayFromSeconds(seconds);
  return t(`automation.units.count.${delay.unit}`, { count: delay.value });
}

/** Names and sentences of a rule in the UI language: never a key or a code. */
export function useRuleWords() {
  const { t } = useTranslation();
  const title = (rule: Pick<AutomationRuleView, 'key' | 'builtIn' | 'name'>): string =>
    rule.builtIn || !rule.name
      ? t(`automation.rules.${rule.key}.title`, { defaultValue: rule.key })
      : rule.name;
  const trigger = (value: RuleTrigger): string =>
    value.type === 'lead.status_changed' && value.toStatus
      ? t('automation.triggers.lead.status_changed_to', {
          status: t(`leadStatus.${value.toStatus}`, { defaultValue: value.toStatus }),
        })
      : t(`automation.triggers.${value.type}`);
  const timing = (rule: Pick<AutomationRuleView, 'trigger' | 'delaySeconds'>): string => {
    if (rule.delaySeconds === 0) return t('automation.timing.immediately');
    const amount = delayText(t, rule.delaySeconds);
    if (countsBack(rule.trigger)) return t('automation.timing.before', { amount });
    if (rule.trigger.type === 'no_reply') return t('automation.timing.noReply', { amount });
    return t('automation.timing.after', { amount });
  };
  return { title, trigger, timing };
}
