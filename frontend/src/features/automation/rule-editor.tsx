import {
  LEAD_SOURCES,
  LEAD_STATUSES,
  RULE_TRIGGERS,
  type AutomationRuleView,
  type RuleTriggerType,
  type TemplateDetailView,
} from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { CheckboxField, FieldError, SelectField, TextField } from '../../components/form-field';
import { DelayField } from './delay-field';
import { useCreateRule, useSaveRule } from './hsm-api';
import { fitMapping, MappingFields } from './mapping-fields';
import { findTemplate } from './rule-draft';
import {
  emptyRuleForm,
  ruleFormOf,
  usesOpportunityValue,
  validateRuleForm,
  type RuleForm,
  type RuleFormField,
  type RuleFormProblem,
} from './rule-form';
import { SendWindowField } from './send-window-field';
import { TemplateBody } from './template-body';
import { useTemplateOptions } from './template-options';

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
  const titleId = useId();
  const [form, setForm] = useState<RuleForm>(() => (rule ? ruleFormOf(rule) : emptyRuleForm()));
  const [problems, setProblems] = useState<Partial<Record<RuleFormField, RuleFormProblem>>>({});
  const create = useCreateRule();
  const save = useSaveRule(rule?.key ?? '');
  const mutation = rule ? save : create;
  const template = findTemplate(templates, form.template);
  const templateOptions = useTemplateOptions(templates);

  const set = (change: Partial<RuleForm>) => {
    setForm((current) => ({ ...current, ...change }));
    if (mutation.isError) mutation.reset();
  };
  const problemOf = (field: RuleFormField) =>
    problems[field] ? (
      <FieldError testId={`editor-error-${field}`}>
        {t(`automation.editor.problems.${problems[field]}`)}
      </FieldError>
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

        <TextField
          label={t('automation.editor.name')}
          error={problemOf('name')}
          testId="editor-name"
          value={form.name}
          maxLength={120}
          onChange={(name) => set({ name })}
        />

        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label={t('automation.editor.trigger')}
            testId="editor-trigger"
            value={form.triggerType}
            options={RULE_TRIGGERS.map((type) => ({ value: type, label: t(`automation.triggers.${type}`) }))}
            onChange={(value) => {
              if (isTrigger(value)) set({ triggerType: value });
            }}
          />
          {form.triggerType === 'lead.status_changed' ? (
            <SelectField
              label={t('automation.editor.toStatus')}
              error={problemOf('toStatus')}
              testId="editor-to-status"
              value={form.toStatus}
              placeholder={t('automation.editor.chooseStatus')}
              options={LEAD_STATUSES.map((status) => ({ value: status, label: t(`leadStatus.${status}`) }))}
              onChange={(toStatus) => set({ toStatus })}
            />
          ) : null}
        </div>

        <DelayField
          legend={
            form.triggerType === 'opportunity.deadline'
              ? t('automation.cards.offsetBefore')
              : form.triggerType === 'no_reply'
                ? t('automation.editor.noReplyFor')
                : t('automation.rule.delay')
          }
          testId="editor-delay"
          value={form.delayValue}
          unit={form.delayUnit}
          invalid={problems.delay !== undefined}
          onChange={({ value, unit }) =>
            set(value !== undefined ? { delayValue: value } : unit ? { delayUnit: unit } : {})
          }
          error={problemOf('delay')}
        />

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
          <TextField
            label={t('automation.editor.tags')}
            testId="editor-tags"
            value={form.tags}
            placeholder={t('automation.editor.tagsPlaceholder')}
            onChange={(tags) => set({ tags })}
          />
          {usesOpportunityValue(form.triggerType) ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <TextField
                label={t('automation.editor.minValue')}
                type="number"
                min={0}
                testId="editor-min-value"
                value={form.minValue}
                onChange={(minValue) => set({ minValue })}
              />
              <TextField
                label={t('automation.editor.maxValue')}
                type="number"
                min={0}
                testId="editor-max-value"
                value={form.maxValue}
                onChange={(maxValue) => set({ maxValue })}
              />
              <div className="sm:col-span-2">{problemOf('value')}</div>
            </div>
          ) : null}
        </fieldset>

        <div className="space-y-3">
          <SelectField
            label={t('automation.rule.template')}
            error={problemOf('template')}
            testId="editor-template"
            value={form.template}
            placeholder={t('automation.rule.noTemplate')}
            options={templateOptions}
            onChange={(value) =>
              set({ template: value, mapping: fitMapping(form.mapping, findTemplate(templates, value)) })
            }
          />
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
          <CheckboxField
            label={t('automation.editor.freeForm')}
            testId="editor-free-form"
            checked={form.useFreeForm}
            onChange={(useFreeForm) => set({ useFreeForm })}
          />
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
          <CheckboxField
            label={t('automation.editor.ownWindow')}
            testId="editor-window"
            checked={form.useWindow}
            onChange={(useWindow) => set({ useWindow })}
          />
          {form.useWindow ? (
            <SendWindowField
              testId="editor-window"
              value={{ days: form.windowDays, start: form.windowStart, end: form.windowEnd }}
              onChange={({ days, start, end }) =>
                set({
                  ...(days ? { windowDays: days } : {}),
                  ...(start !== undefined ? { windowStart: start } : {}),
                  ...(end !== undefined ? { windowEnd: end } : {}),
                })
              }
              error={problemOf('window')}
            />
          ) : null}
          {form.useWindow ? (
            <p data-testid="editor-window-hint" className="text-xs text-slate-500">
              {form.windowEnd === form.windowStart
                ? t('automation.editor.windowAllDay')
                : form.windowEnd < form.windowStart
                  ? t('automation.editor.windowOvernight', { start: form.windowStart, end: form.windowEnd })
                  : t('automation.editor.windowHint')}
            </p>
          ) : (
            <p className="text-xs text-slate-500">{t('automation.editor.tenantWindow')}</p>
          )}
        </fieldset>

        <fieldset className="space-y-2 rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold text-slate-900">
            {t('automation.editor.limits')}
          </legend>
          <CheckboxField
            label={t('automation.editor.frequencyCap')}
            checked={form.respectFrequencyCap}
            onChange={(respectFrequencyCap) => set({ respectFrequencyCap })}
          />
          <CheckboxField
            label={t('automation.editor.utilityToOptedOut')}
            checked={form.utilityToOptedOut}
            onChange={(utilityToOptedOut) => set({ utilityToOptedOut })}
          />
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

        <CheckboxField
          label={t('automation.editor.enabled')}
          testId="editor-enabled"
          checked={form.enabled}
          onChange={(enabled) => set({ enabled })}
          className="flex items-center gap-2 text-sm font-medium text-slate-700"
        />

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
          <CheckboxField
            key={option.value}
            label={option.label}
            testId={`${testId}-${option.value}`}
            checked={selected.includes(option.value)}
            onChange={() => onToggle(option.value)}
            className="flex items-center gap-1 text-sm text-slate-700"
          />
        ))}
      </div>
    </fieldset>
  );
}
