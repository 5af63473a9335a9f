import {
  LEAD_SOURCES,
  LEAD_STATUSES,
  RULE_TRIGGERS,
  type AutomationRuleView,
  type RuleTriggerType,
  type TemplateDetailView,
} from '@crm/contracts/browser';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { useCodeLabels } from '../../lib/code-labels';
import { DELAY_UNITS, isDelayUnit } from './delay';
import { useCreateRule, useSaveRule } from './hsm-api';
import { fitMapping, MappingFields } from './mapping-fields';
import { findTemplate, templateKey } from './rule-draft';
import {
  emptyRuleForm,
  ruleFormOf,
  usesOpportunityValue,
  validateRuleForm,
  type RuleForm,
  type RuleFormField,
  type RuleFormProblem,
} from './rule-form';
import { TemplateBody } from './template-body';

const DAYS = [1, 2, 3, 4, 5, 6, 0] as const;

function isTrigger(value: string): value is RuleTriggerType {
  return (RULE_TRIGGERS as readonly string[]).includes(value);
}

/** Create or edit a custom rule: trigger, timing, conditions, template with its mapping, window and limits. */
export function RuleEditor({
  rule,
  templates,
  onClose,
}: {
  /** The rule to edit; null to create one. */
  rule: AutomationRuleView | null;
  templates: TemplateDetailView[];
  onClose: (saved: AutomationRuleView | null) => void;
}) {
  const { t } = useTranslation();
  const labels = useCodeLabels();
  const titleId = useId();
  const [form, setForm] = useState<RuleForm>(() => (rule ? ruleFormOf(rule) : emptyRuleForm()));
  const [problems, setProblems] = useState<Partial<Record<RuleFormField, RuleFormProblem>>>({});
  const create = useCreateRule();
  const save = useSaveRule(rule?.key ?? '');
  const mutation = rule ? save : create;
  const template = findTemplate(templates, form.template);

  const set = (change: Partial<RuleForm>) => {
    setForm((current) => ({ ...current, ...change }));
    if (mutation.isError) mutation.reset();
  };
  const problemOf = (field: RuleFormField) =>
    problems[field] ? (
      <p data-testid={`editor-error-${field}`} className="text-xs text-rose-700">
        {t(`automation.editor.problems.${problems[field]}`)}
      </p>
    ) : null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validateRuleForm(form, templates);
    if (result.problems) {
      setProblems(result.problems);
      return;
    }
    setProblems({});
    const done = { onSuccess: (saved: AutomationRuleView) => onClose(saved) };
    if (rule) save.mutate(result.fields, done);
    else create.mutate(result.fields, done);
  };

  const toggle = <T,>(list: T[], item: T): T[] =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];

  return (
    <div className="fixed inset-0 z-50 overflow-y-auto bg-slate-900/40 p-2 sm:p-6">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="rule-editor"
        noValidate
        onSubmit={onSubmit}
        className="card mx-auto w-full max-w-3xl space-y-5 p-4 sm:p-6"
      >
        <h2 id={titleId} className="text-lg font-semibold text-slate-900">
          {rule ? t('automation.editor.editTitle') : t('automation.editor.createTitle')}
        </h2>

        <Field label={t('automation.editor.name')} error={problemOf('name')}>
          {(id) => (
            <input
              id={id}
              data-testid="editor-name"
              value={form.name}
              maxLength={120}
              onChange={(event) => set({ name: event.target.value })}
              className="input w-full"
            />
          )}
        </Field>

        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t('automation.editor.trigger')}>
            {(id) => (
              <select
                id={id}
                data-testid="editor-trigger"
                value={form.triggerType}
                onChange={(event) => {
                  if (isTrigger(event.target.value)) set({ triggerType: event.target.value });
                }}
                className="input w-full"
              >
                {RULE_TRIGGERS.map((type) => (
                  <option key={type} value={type}>
                    {t(`automation.triggers.${type}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {form.triggerType === 'lead.status_changed' ? (
            <Field label={t('automation.editor.toStatus')} error={problemOf('toStatus')}>
              {(id) => (
                <select
                  id={id}
                  data-testid="editor-to-status"
                  value={form.toStatus}
                  onChange={(event) => set({ toStatus: event.target.value })}
                  className="input w-full"
                >
                  <option value="">{t('automation.editor.chooseStatus')}</option>
                  {LEAD_STATUSES.map((status) => (
                    <option key={status} value={status}>
                      {t(`leadStatus.${status}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
        </div>

        <fieldset className="space-y-1">
          <legend className="label">
            {form.triggerType === 'opportunity.deadline'
              ? t('automation.cards.offsetBefore')
              : form.triggerType === 'no_reply'
                ? t('automation.editor.noReplyFor')
                : t('automation.rule.delay')}
          </legend>
          <div className="flex gap-2">
            <input
              type="number"
              min={0}
              step={1}
              aria-label={t('automation.rule.delayValue')}
              data-testid="editor-delay-value"
              value={form.delayValue}
              onChange={(event) => set({ delayValue: event.target.value })}
              className="input w-28"
            />
            <select
              aria-label={t('automation.rule.delayUnit')}
              data-testid="editor-delay-unit"
              value={form.delayUnit}
              onChange={(event) => {
                if (isDelayUnit(event.target.value)) set({ delayUnit: event.target.value });
              }}
              className="input w-36"
            >
              {DELAY_UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {t(`automation.units.${unit}`)}
                </option>
              ))}
            </select>
          </div>
          {problemOf('delay')}
        </fieldset>

        <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold text-slate-900">
            {t('automation.editor.conditions')}
          </legend>
          <p className="text-xs text-slate-500">{t('automation.editor.conditionsHint')}</p>
          <CheckboxGroup
            label={t('automation.editor.leadSources')}
            options={LEAD_SOURCES.map((source) => ({ value: source, label: t(`leadSource.${source}`) }))}
            selected={form.leadSources}
            onToggle={(value) => set({ leadSources: toggle(form.leadSources, value) })}
            testId="editor-source"
          />
          <CheckboxGroup
            label={t('automation.editor.leadStatuses')}
            options={LEAD_STATUSES.map((status) => ({ value: status, label: t(`leadStatus.${status}`) }))}
            selected={form.leadStatuses}
            onToggle={(value) => set({ leadStatuses: toggle(form.leadStatuses, value) })}
            testId="editor-status"
          />
          <Field label={t('automation.editor.tags')}>
            {(id) => (
              <input
                id={id}
                data-testid="editor-tags"
                value={form.tags}
                placeholder={t('automation.editor.tagsPlaceholder')}
                onChange={(event) => set({ tags: event.target.value })}
                className="input w-full"
              />
            )}
          </Field>
          {usesOpportunityValue(form.triggerType) ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <Field label={t('automation.editor.minValue')}>
                {(id) => (
                  <input
                    id={id}
                    type="number"
                    min={0}
                    data-testid="editor-min-value"
                    value={form.minValue}
                    onChange={(event) => set({ minValue: event.target.value })}
                    className="input w-full"
                  />
                )}
              </Field>
              <Field label={t('automation.editor.maxValue')}>
                {(id) => (
                  <input
                    id={id}
                    type="number"
                    min={0}
                    data-testid="editor-max-value"
                    value={form.maxValue}
                    onChange={(event) => set({ maxValue: event.target.value })}
                    className="input w-full"
                  />
                )}
              </Field>
              <div className="sm:col-span-2">{problemOf('value')}</div>
            </div>
          ) : null}
        </fieldset>

        <div className="space-y-3">
          <Field label={t('automation.rule.template')} error={problemOf('template')}>
            {(id) => (
              <select
                id={id}
                data-testid="editor-template"
                value={form.template}
                onChange={(event) =>
                  set({
                    template: event.target.value,
                    mapping: fitMapping(form.mapping, findTemplate(templates, event.target.value)),
                  })
                }
                className="input w-full"
              >
                <option value="">{t('automation.rule.noTemplate')}</option>
                {templates.map((item) => (
                  <option
                    key={templateKey(item)}
                    value={templateKey(item)}
                    disabled={item.status !== 'APPROVED'}
                  >
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
            )}
          </Field>
          {template ? (
            <>
              <TemplateBody text={template.bodyText} />
              <MappingFields
                template={template}
                mapping={form.mapping}
                onChange={(mapping) => set({ mapping })}
              />
            </>
          ) : null}
        </div>

        <div className="space-y-2">
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              data-testid="editor-free-form"
              checked={form.useFreeForm}
              onChange={(event) => set({ useFreeForm: event.target.checked })}
            />
            {t('automation.editor.freeForm')}
          </label>
          {form.useFreeForm ? (
            <>
              <textarea
                aria-label={t('automation.editor.freeFormText')}
                data-testid="editor-free-form-text"
                value={form.freeFormText}
                rows={3}
                maxLength={4096}
                onChange={(event) => set({ freeFormText: event.target.value })}
                className="input w-full"
              />
              <p className="text-xs text-slate-500">{t('automation.editor.freeFormHint')}</p>
              {problemOf('freeFormText')}
            </>
          ) : null}
        </div>

        <fieldset className="space-y-2 rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold text-slate-900">
            {t('automation.editor.window')}
          </legend>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              data-testid="editor-window"
              checked={form.useWindow}
              onChange={(event) => set({ useWindow: event.target.checked })}
            />
            {t('automation.editor.ownWindow')}
          </label>
          {form.useWindow ? (
            <div className="space-y-2">
              <div className="flex flex-wrap gap-2">
                {DAYS.map((day) => (
                  <label key={day} className="flex items-center gap-1 text-sm text-slate-700">
                    <input
                      type="checkbox"
                      checked={form.windowDays.includes(day)}
                      onChange={() => set({ windowDays: toggle(form.windowDays, day) })}
                    />
                    {t(`automation.days.${day}`)}
                  </label>
                ))}
              </div>
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <input
                  type="time"
                  aria-label={t('automation.editor.windowStart')}
                  data-testid="editor-window-start"
                  value={form.windowStart}
                  onChange={(event) => set({ windowStart: event.target.value })}
                  className="input w-32"
                />
                <span>–</span>
                <input
                  type="time"
                  aria-label={t('automation.editor.windowEnd')}
                  data-testid="editor-window-end"
                  value={form.windowEnd}
                  onChange={(event) => set({ windowEnd: event.target.value })}
                  className="input w-32"
                />
              </div>
              {problemOf('window')}
            </div>
          ) : (
            <p className="text-xs text-slate-500">{t('automation.editor.tenantWindow')}</p>
          )}
        </fieldset>

        <fieldset className="space-y-2 rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold text-slate-900">
            {t('automation.editor.limits')}
          </legend>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              checked={form.respectFrequencyCap}
              onChange={(event) => set({ respectFrequencyCap: event.target.checked })}
            />
            {t('automation.editor.frequencyCap')}
          </label>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              checked={form.utilityToOptedOut}
              onChange={(event) => set({ utilityToOptedOut: event.target.checked })}
            />
            {t('automation.editor.utilityToOptedOut')}
          </label>
          <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
            <span>{t('automation.editor.atMost')}</span>
            <input
              type="number"
              min={1}
              max={100}
              aria-label={t('automation.editor.maxPerContact')}
              data-testid="editor-max-per-contact"
              value={form.maxPerContact}
              onChange={(event) => set({ maxPerContact: event.target.value })}
              className="input w-20"
            />
            <span>{t('automation.editor.sendsEvery')}</span>
            <input
              type="number"
              min={1}
              max={365}
              aria-label={t('automation.editor.perDays')}
              data-testid="editor-per-days"
              value={form.perDays}
              onChange={(event) => set({ perDays: event.target.value })}
              className="input w-20"
            />
            <span>{t('automation.editor.days')}</span>
          </div>
          {problemOf('limits')}
        </fieldset>

        <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
          <input
            type="checkbox"
            data-testid="editor-enabled"
            checked={form.enabled}
            onChange={(event) => set({ enabled: event.target.checked })}
          />
          {t('automation.editor.enabled')}
        </label>

        {Object.keys(problems).length > 0 ? (
          <p role="alert" data-testid="editor-problems" className="text-sm text-rose-700">
            {t('automation.rule.checkFields')}
          </p>
        ) : null}
        {mutation.isError ? (
          <p role="alert" data-testid="editor-api-error" className="text-sm text-rose-700">
            {isApiError(mutation.error) && mutation.error.code === 'VALIDATION'
              ? t('automation.rule.apiValidation', { message: mutation.error.message })
              : t('automation.rule.saveFailed', { message: mutation.error.message })}
          </p>
        ) : null}

        <div className="flex flex-col-reverse gap-2 border-t border-slate-200 pt-4 sm:flex-row sm:justify-end">
          <button type="button" className="btn-secondary" onClick={() => onClose(null)}>
            {t('automation.editor.cancel')}
          </button>
          <button
            type="submit"
            data-testid="editor-save"
            className="btn-primary"
            disabled={mutation.isPending}
          >
            {mutation.isPending
              ? t('automation.rule.saving')
              : rule
                ? t('automation.rule.save')
                : t('automation.editor.create')}
          </button>
        </div>
      </form>
    </div>
  );
}

function Field({
  label,
  error,
  children,
}: {
  label: string;
  error?: ReactNode;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="label">
        {label}
      </label>
      {children(id)}
      {error}
    </div>
  );
}

function CheckboxGroup({
  label,
  options,
  selected,
  onToggle,
  testId,
}: {
  label: string;
  options: { value: string; label: string }[];
  selected: string[];
  onToggle: (value: string) => void;
  testId: string;
}) {
  return (
    <fieldset>
      <legend className="text-xs font-medium text-slate-600">{label}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((option) => (
          <label key={option.value} className="flex items-center gap-1 text-sm text-slate-700">
            <input
              type="checkbox"
              data-testid={`${testId}-${option.value}`}
              checked={selected.includes(option.value)}
              onChange={() => onToggle(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
