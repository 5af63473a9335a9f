import {
  MAX_DELAY_SECONDS,
  VARIABLE_SOURCES,
  type RuleView,
  type TemplateView,
  type VariableSource,
} from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Badge } from '../../components/badge';
import { RefreshIcon } from '../../components/icons';
import { useCodeLabels } from '../../lib/code-labels';
import { useFormatters } from '../../lib/format';
import { useRefreshTemplates, useUpdateRule, type RuleUpdate } from './automation-api';
import { DELAY_UNITS, delayFromSeconds, delayToSeconds, isDelayUnit, type DelayUnit } from './delay';
import { TemplateBody } from './template-body';

const DEFAULT_MAPPING: readonly VariableSource[] = ['lead.first_name', 'seller.name', 'tenant.name'];

function defaultSource(index: number): VariableSource {
  return DEFAULT_MAPPING[index] ?? 'lead.name';
}

function isVariableSource(value: string): value is VariableSource {
  return (VARIABLE_SOURCES as readonly string[]).includes(value);
}

export function templateKey(template: { name: string; language: string }): string {
  return `${template.name}|${template.language}`;
}

type ClientProblem = 'delayInvalid' | 'delayTooLong' | 'templateRequired' | 'templateNotApproved';
type FieldName = 'delaySeconds' | 'templateName' | 'variableMapping';

const PROBLEM_FIELD: Record<ClientProblem, FieldName> = {
  delayInvalid: 'delaySeconds',
  delayTooLong: 'delaySeconds',
  templateRequired: 'templateName',
  templateNotApproved: 'templateName',
};

/** API validation messages look like "delaySeconds must not be greater than …; templateName must …". */
function apiFieldMessages(error: unknown): Partial<Record<FieldName, string>> {
  if (!isApiError(error) || error.code !== 'VALIDATION') return {};
  const result: Partial<Record<FieldName, string>> = {};
  for (const part of error.message.split(';').map((item) => item.trim())) {
    const field = (['delaySeconds', 'templateName', 'templateLanguage', 'variableMapping'] as const).find(
      (name) => part.startsWith(name),
    );
    if (!field) continue;
    const target: FieldName = field === 'templateLanguage' ? 'templateName' : field;
    result[target] = result[target] ? `${result[target]}; ${part}` : part;
  }
  return result;
}

type RuleCardProps = { rule: RuleView; templates: TemplateView[] };

export function RuleCard({ rule, templates }: RuleCardProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const labels = useCodeLabels();
  const update = useUpdateRule(rule.key);
  const refreshTemplates = useRefreshTemplates();
  const initialDelay = delayFromSeconds(rule.delaySeconds);

  const [enabled, setEnabled] = useState(rule.enabled);
  const [delayValue, setDelayValue] = useState(String(initialDelay.value));
  const [delayUnit, setDelayUnit] = useState<DelayUnit>(initialDelay.unit);
  const [selectedTemplate, setSelectedTemplate] = useState(
    rule.templateName && rule.templateLanguage
      ? templateKey({ name: rule.templateName, language: rule.templateLanguage })
      : '',
  );
  const [mapping, setMapping] = useState<VariableSource[]>(rule.variableMapping);
  const [problem, setProblem] = useState<ClientProblem | null>(null);
  const [saved, setSaved] = useState(false);

  const toggleId = useId();
  const delayId = useId();
  const unitId = useId();
  const templateId = useId();
  const errorId = useId();

  const template = templates.find((item) => templateKey(item) === selectedTemplate) ?? null;
  const ruleTemplateMissing = selectedTemplate !== '' && template === null;
  const parameterCount = template?.parameterCount ?? 0;
  const effectiveMapping = Array.from(
    { length: parameterCount },
    (_, index) => mapping[index] ?? defaultSource(index),
  );

  const apiErrors = apiFieldMessages(update.error);
  const fieldError = (field: FieldName): string | undefined =>
    problem && PROBLEM_FIELD[problem] === field ? t(`automation.rule.problems.${problem}`) : apiErrors[field];

  const edited = () => {
    setSaved(false);
    setProblem(null);
    if (update.isError) update.reset();
  };

  const validate = (): { update: RuleUpdate } | { problem: ClientProblem } => {
    const value = Number(delayValue);
    if (!Number.isInteger(value) || value < 1) return { problem: 'delayInvalid' };
    const delaySeconds = delayToSeconds({ value, unit: delayUnit });
    if (delaySeconds > MAX_DELAY_SECONDS) return { problem: 'delayTooLong' };
    if (enabled && !template) return { problem: 'templateRequired' };
    if (template && template.status !== 'APPROVED') return { problem: 'templateNotApproved' };
    return {
      update: {
        enabled,
        delaySeconds,
        ...(template ? { templateName: template.name, templateLanguage: template.language } : {}),
        variableMapping: effectiveMapping,
      },
    };
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const result = validate();
    if ('problem' in result) {
      setProblem(result.problem);
      return;
    }
    setProblem(null);
    update.mutate(result.update, { onSuccess: () => setSaved(true) });
  };

  const generalError = problem
    ? t('automation.rule.checkFields')
    : update.isError
      ? isApiError(update.error) && update.error.code === 'VALIDATION'
        ? t('automation.rule.apiValidation', { message: update.error.message })
        : t('automation.rule.saveFailed', { message: update.error.message })
      : null;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      data-testid={`rule-${rule.key}`}
      aria-labelledby={`${toggleId}-title`}
      aria-describedby={generalError ? errorId : undefined}
      className="card p-5"
    >
      <div className="flex flex-col gap-3 border-b border-slate-200 pb-4 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h2 id={`${toggleId}-title`} className="text-base font-semibold text-slate-900">
            {t(`automation.rules.${rule.key}.title`)}
          </h2>
          <p className="mt-1 max-w-2xl text-sm text-slate-500">
            {t(`automation.rules.${rule.key}.description`)}
          </p>
          <p className="mt-1 text-xs text-slate-400">
            {rule.updatedAt
              ? t('automation.rule.updatedAt', { date: format.dateTime(rule.updatedAt) })
              : t('automation.rule.neverSaved')}
          </p>
        </div>
        <label
          htmlFor={toggleId}
          className="flex cursor-pointer items-center gap-3 text-sm font-medium text-slate-700"
        >
          <span className="relative inline-flex items-center">
            <input
              id={toggleId}
              type="checkbox"
              role="switch"
              data-testid={`rule-${rule.key}-toggle`}
              checked={enabled}
              onChange={(event) => {
                setEnabled(event.target.checked);
                edited();
              }}
              className="peer h-6 w-11 cursor-pointer appearance-none rounded-full bg-slate-300 transition-colors checked:bg-emerald-500 focus-visible:ring-2 focus-visible:ring-indigo-300 focus-visible:outline-none"
            />
            {/* The knob is decoration only: clicks go through it to the real checkbox. */}
            <span
              aria-hidden="true"
              className="pointer-events-none absolute left-0.5 h-5 w-5 rounded-full bg-white shadow transition-transform peer-checked:translate-x-5"
            />
          </span>
          {enabled ? t('automation.rule.enabled') : t('automation.rule.disabled')}
        </label>
      </div>

      <div className="mt-5 grid gap-6 lg:grid-cols-2">
        <fieldset className="space-y-1">
          <legend className="label">{t('automation.rule.delay')}</legend>
          <div className="flex gap-2">
            <label htmlFor={delayId} className="sr-only">
              {t('automation.rule.delayValue')}
            </label>
            <input
              id={delayId}
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              data-testid="rule-delay-value"
              value={delayValue}
              aria-invalid={fieldError('delaySeconds') ? true : undefined}
              onChange={(event) => {
                setDelayValue(event.target.value);
                edited();
              }}
              className="input w-32"
            />
            <label htmlFor={unitId} className="sr-only">
              {t('automation.rule.delayUnit')}
            </label>
            <select
              id={unitId}
              data-testid="rule-delay-unit"
              value={delayUnit}
              onChange={(event) => {
                if (isDelayUnit(event.target.value)) setDelayUnit(event.target.value);
                edited();
              }}
              className="input w-40"
            >
              {DELAY_UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {t(`automation.units.${unit}`)}
                </option>
              ))}
            </select>
          </div>
          <p className="text-xs text-slate-500">{t('automation.rule.delayHint')}</p>
          {fieldError('delaySeconds') ? (
            <p data-testid="rule-field-error-delay" className="text-xs text-rose-700">
              {fieldError('delaySeconds')}
            </p>
          ) : null}
        </fieldset>

        <div className="space-y-1">
          <div className="flex items-center justify-between gap-2">
            <label htmlFor={templateId} className="label">
              {t('automation.rule.template')}
            </label>
            <button
              type="button"
              onClick={() => refreshTemplates.mutate()}
              disabled={refreshTemplates.isPending}
              className="inline-flex items-center gap-1 text-xs font-medium text-indigo-700 hover:underline disabled:opacity-60"
            >
              <RefreshIcon
                aria-hidden="true"
                size={14}
                className={refreshTemplates.isPending ? 'animate-spin' : undefined}
              />
              {refreshTemplates.isPending
                ? t('automation.rule.refreshing')
                : t('automation.rule.refreshTemplates')}
            </button>
          </div>
          <select
            id={templateId}
            data-testid="rule-template-select"
            value={selectedTemplate}
            aria-invalid={fieldError('templateName') ? true : undefined}
            onChange={(event) => {
              setSelectedTemplate(event.target.value);
              edited();
            }}
            className="input"
          >
            <option value="">{t('automation.rule.noTemplate')}</option>
            {ruleTemplateMissing ? (
              <option value={selectedTemplate} disabled>
                {t('automation.rule.missingTemplate', {
                  template: selectedTemplate.replace(
                    /\|(.*)$/,
                    (_match, language: string) => ` · ${labels.language(language)}`,
                  ),
                })}
              </option>
            ) : null}
            {templates.map((item) => (
              <option key={templateKey(item)} value={templateKey(item)} disabled={item.status !== 'APPROVED'}>
                {item.status === 'APPROVED'
                  ? t('automation.rule.templateOption', {
                      name: item.name,
                      language: labels.language(item.language),
                    })
                  : t('automation.rule.templateOptionUnavailable', {
                      name: item.name,
                      language: labels.language(item.language),
                      status: labels.templateStatus(item.status),
                    })}
              </option>
            ))}
          </select>
          {templates.length === 0 ? (
            <p className="text-xs text-slate-500">{t('automation.rule.noTemplates')}</p>
          ) : null}
          {refreshTemplates.isError ? (
            <p className="text-xs text-rose-700">
              {t('automation.rule.refreshFailed', { message: refreshTemplates.error.message })}
            </p>
          ) : null}
          {fieldError('templateName') ? (
            <p data-testid="rule-field-error-template" className="text-xs text-rose-700">
              {fieldError('templateName')}
            </p>
          ) : null}
        </div>
      </div>

      {template ? (
        <div className="mt-6 space-y-3">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="text-sm font-semibold text-slate-900">{t('automation.rule.preview')}</h3>
            <Badge tone={template.status === 'APPROVED' ? 'success' : 'warning'} testId="template-status">
              {labels.templateStatus(template.status)}
            </Badge>
            <Badge testId="template-category">
              {t('automation.rule.templateCategory', {
                category: labels.templateCategory(template.category),
              })}
            </Badge>
          </div>
          <TemplateBody text={template.bodyText} />
          {parameterCount > 0 ? (
            <fieldset className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              <legend className="label mb-2">{t('automation.rule.mapping')}</legend>
              {effectiveMapping.map((source, index) => (
                <MappingSelect
                  key={index}
                  index={index}
                  value={source}
                  onChange={(next) => {
                    const copy = [...effectiveMapping];
                    copy[index] = next;
                    setMapping(copy);
                    edited();
                  }}
                />
              ))}
            </fieldset>
          ) : (
            <p className="text-xs text-slate-500">{t('automation.rule.noVariables')}</p>
          )}
          {apiErrors.variableMapping ? (
            <p className="text-xs text-rose-700">{apiErrors.variableMapping}</p>
          ) : null}
        </div>
      ) : null}

      <div className="mt-6 flex flex-col gap-3 border-t border-slate-200 pt-4 sm:flex-row sm:items-center">
        <button type="submit" data-testid="rule-save" disabled={update.isPending} className="btn-primary">
          {update.isPending ? t('automation.rule.saving') : t('automation.rule.save')}
        </button>
        {saved ? (
          <p role="status" data-testid="rule-saved" className="text-sm font-medium text-emerald-700">
            {t('automation.rule.saved')}
          </p>
        ) : null}
        {generalError ? (
          <p id={errorId} role="alert" data-testid="rule-error" className="text-sm text-rose-700">
            {generalError}
          </p>
        ) : null}
      </div>
    </form>
  );
}

type MappingSelectProps = { index: number; value: VariableSource; onChange: (next: VariableSource) => void };

function MappingSelect({ index, value, onChange }: MappingSelectProps) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {t('automation.rule.variable', { placeholder: `{{${index + 1}}}` })}
      </label>
      <select
        id={id}
        data-testid={`rule-mapping-${index}`}
        value={value}
        onChange={(event) => {
          if (isVariableSource(event.target.value)) onChange(event.target.value);
        }}
        className="input"
      >
        {VARIABLE_SOURCES.map((source) => (
          <option key={source} value={source}>
            {t(`automation.sources.${source}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
