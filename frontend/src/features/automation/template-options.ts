import type { TemplateDetailView } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import type { SelectOption } from '../../components/form-field';
import { useCodeLabels } from '../../lib/code-labels';
import { templateKey } from './rule-draft';

/**
 * The templates a rule may use, as options of a select (value `name|language`): approved ones by name and
 * language, the others disabled with their status in words. `current`: a chosen template the list no longer has
 * is kept as a disabled option, so the select does not silently show another one.
 */
export function useTemplateOptions(templates: TemplateDetailView[], current = ''): SelectOption[] {
  const { t } = useTranslation();
  const labels = useCodeLabels();
  const options: SelectOption[] = templates.map((item) => ({
    value: templateKey(item),
    disabled: item.status !== 'APPROVED',
    label:
      item.status === 'APPROVED'
        ? t('automation.rule.templateOption', { name: item.name, language: labels.language(item.language) })
        : t('automation.rule.templateOptionUnavailable', {
            name: item.name,
            language: labels.language(item.language),
            status: labels.templateStatus(item.status),
          }),
  }));
  if (current !== '' && !options.some((option) => option.value === current)) {
    options.unshift({
      value: current,
      disabled: true,
      label: t('automation.rule.missingTemplate', { template: current.replace('|', ' · ') }),
    });
  }
  return options;
}
