import {
  TEMPLATE_VARIABLE_SOURCES,
  type TemplateDetailView,
  type TemplateMapping,
  type TemplateVariableSource,
} from '@crm/contracts/browser';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

const DEFAULT_SOURCES: readonly TemplateVariableSource[] = ['lead.first_name', 'seller.name', 'tenant.name'];

function isSource(value: string): value is TemplateVariableSource {
  return (TEMPLATE_VARIABLE_SOURCES as readonly string[]).includes(value);
}

/** The buttons of a template that take a parameter (a dynamic URL suffix), with their index. */
export function parameterButtons(template: TemplateDetailView): { index: number; text: string }[] {
  return template.buttons
    .map((button, index) => ({ index, text: button.text, count: button.parameterCount }))
    .filter((button) => button.count > 0);
}

/** The mapping sized to the template: one source per header/body parameter and per dynamic button. */
export function fitMapping(mapping: TemplateMapping, template: TemplateDetailView | null): TemplateMapping {
  if (!template) return mapping;
  const pick = (list: TemplateVariableSource[], count: number) =>
    Array.from({ length: count }, (_, index) => list[index] ?? DEFAULT_SOURCES[index] ?? 'lead.name');
  return {
    header: pick(mapping.header, template.headerFormat === 'TEXT' ? template.headerParameterCount : 0),
    body: pick(mapping.body, template.parameterCount),
    buttons: parameterButtons(template).map(
      (button) =>
        mapping.buttons.find((item) => item.index === button.index) ?? {
          index: button.index,
          source: 'lead.name',
        },
    ),
  };
}

/** One select per parameter of the template, grouped as header, body and buttons; sources in words. */
export function MappingFields({
  template,
  mapping,
  onChange,
}: {
  template: TemplateDetailView;
  mapping: TemplateMapping;
  onChange: (mapping: TemplateMapping) => void;
}) {
  const { t } = useTranslation();
  const fitted = fitMapping(mapping, template);
  const buttons = parameterButtons(template);
  if (fitted.header.length + fitted.body.length + fitted.buttons.length === 0) {
    return <p className="text-xs text-slate-500">{t('automation.rule.noVariables')}</p>;
  }
  return (
    <fieldset className="space-y-3">
      <legend className="label mb-1">{t('automation.rule.mapping')}</legend>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {fitted.header.map((source, index) => (
          <SourceSelect
            key={`h${index}`}
            label={t('automation.mapping.header', { placeholder: `{{${index + 1}}}` })}
            testId={`mapping-header-${index}`}
            value={source}
            onChange={(next) =>
              onChange({ ...fitted, header: fitted.header.map((s, i) => (i === index ? next : s)) })
            }
          />
        ))}
        {fitted.body.map((source, index) => (
          <SourceSelect
            key={`b${index}`}
            label={t('automation.rule.variable', { placeholder: `{{${index + 1}}}` })}
            testId={`rule-mapping-${index}`}
            value={source}
            onChange={(next) =>
              onChange({ ...fitted, body: fitted.body.map((s, i) => (i === index ? next : s)) })
            }
          />
        ))}
        {fitted.buttons.map((button) => (
          <SourceSelect
            key={`k${button.index}`}
            label={t('automation.mapping.button', {
              text: buttons.find((item) => item.index === button.index)?.text ?? button.index + 1,
            })}
            testId={`mapping-button-${button.index}`}
            value={button.source}
            onChange={(next) =>
              onChange({
                ...fitted,
                buttons: fitted.buttons.map((item) =>
                  item.index === button.index ? { ...item, source: next } : item,
                ),
              })
            }
          />
        ))}
      </div>
    </fieldset>
  );
}

function SourceSelect({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: TemplateVariableSource;
  onChange: (next: TemplateVariableSource) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      <select
        id={id}
        data-testid={testId}
        value={value}
        onChange={(event) => {
          if (isSource(event.target.value)) onChange(event.target.value);
        }}
        className="input"
      >
        {TEMPLATE_VARIABLE_SOURCES.map((source) => (
          <option key={source} value={source}>
            {t(`automation.sources.${source}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Hola {{1}}" with the sources in words: what each placeholder will be filled with. */
export function mappedBody(
  text: string,
  body: TemplateVariableSource[],
  label: (source: string) => string,
): string {
  return text.replace(/\{\{(\d+)\}\}/g, (match, n: string) => {
    const source = body[Number(n) - 1];
    return source ? `[${label(source)}]` : match;
  });
}
