import { MAX_DELAY_SECONDS, type AutomationRuleView, type TemplateDetailView } from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Badge } from '../../components/badge';
import { FieldError, SelectField } from '../../components/form-field';
import { ExpandIcon, RefreshIcon } from '../../components/icons';
import { useCodeLabels } from '../../lib/code-labels';
import { useFormatters } from '../../lib/format';
import { useRefreshTemplates } from './automation-api';
import { delayToSeconds } from './delay';
import { DelayField } from './delay-field';
import { usePreview, useSaveRule } from './hsm-api';
import { LeadPicker, type PickedLead } from './lead-picker';
import { fitMapping, MappingFields, requestMapping } from './mapping-fields';
import { PreviewResult } from './preview-result';
import { draftOf, findTemplate, isDirty, type RuleDraft } from './rule-draft';
import { countsBack, useRuleWords } from './rule-words';
import { TemplateBody } from './template-body';
import { useTemplateOptions } from './template-options';

type ClientProblem = 'delayInvalid' | 'delayTooLong' | 'templateRequired' | 'templateNotApproved';

type RuleCardProps = {
  rule: AutomationRuleView;
  templates: TemplateDetailView[];
  /** The unsaved edits (kept by the page); undefined = as saved. */
  draft?: RuleDraft;
  onDraft: (draft: RuleDraft | undefined) => void;
  expanded: boolean;
  onExpandedChange: (expanded: boolean) => void;
  onEdit?: () => void;
  onDelete?: () => void;
};

/** One rule: a summary line always, the editable details when expanded. */
export function RuleCard({
  rule,
  templates,
  draft,
  onDraft,
  expanded,
  onExpandedChange,
  onEdit,
  onDelete,
}: RuleCardProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const labels = useCodeLabels();
  const words = useRuleWords();
  const save = useSaveRule(rule.key);
  const refreshTemplates = useRefreshTemplates();
  const preview = usePreview();
  const [problem, setProblem] = useState<ClientProblem | null>(null);
  const [saved, setSaved] = useState(false);
  const [previewLead, setPreviewLead] = useState<PickedLead | null>(null);
  const current = draft ?? draftOf(rule);
  const dirty = isDirty(rule, draft);
  const template = findTemplate(templates, current.template);
  const templateOptions = useTemplateOptions(templates, current.template);

  const toggleId = useId();
  const bodyId = useId();
  const errorId = useId();

  const edit = (change: Partial<RuleDraft>) => {
    setSaved(false);
    setProblem(null);
    if (save.isError) save.reset();
    const next = { ...current, ...change };
    onDraft(isDirty(rule, next) ? next : undefined);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const value = Number(current.delayValue);
    const minimum = rule.builtIn ? 1 : 0;
    if (!Number.isInteger(value) || value < minimum) return setProblem('delayInvalid');
    const delaySeconds = delayToSeconds({ value, unit: current.delayUnit });
    if (delaySeconds > MAX_DELAY_SECONDS) return setProblem('delayTooLong');
    if (current.enabled && !template) return setProblem('templateRequired');
    if (template && template.status !== 'APPROVED') return setProblem('templateNotApproved');
    setProblem(null);
    save.mutate(
      {
        enabled: current.enabled,
        delaySeconds,
        ...(template
          ? {
              templateName: template.name,
              templateLanguage: template.language,
              mapping: requestMapping(current.mapping, template),
            }
          : {}),
      },
      {
        onSuccess: () => {
          onDraft(undefined);
          setSaved(true);
        },
      },
    );
  };

  const generalError = problem
    ? t('automation.rule.checkFields')
    : save.isError
      ? isApiError(save.error) && save.error.code === 'VALIDATION'
        ? t('automation.rule.apiValidation', { message: save.error.message })
        : t('automation.rule.saveFailed', { message: save.error.message })
      : null;

  const templateSummary = template
    ? t('automation.rule.templateOption', {
        name: template.name,
        language: labels.language(template.language),
      })
    : rule.templateName
      ? rule.templateName
      : t('automation.rule.noTemplate');

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      data-testid={`rule-${rule.key}`}
      data-dirty={dirty ? 'true' : 'false'}
      aria-labelledby={`${toggleId}-title`}
      aria-describedby={generalError ? errorId : undefined}
      className="card p-4 sm:p-5"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <button
              type="button"
              data-testid={`rule-${rule.key}-expand`}
              aria-expanded={expanded}
              aria-controls={expanded ? bodyId : undefined}
              onClick={() => onExpandedChange(!expanded)}
              className="inline-flex items-center gap-1 rounded text-left text-base font-semibold text-slate-900 hover:text-indigo-700"
            >
              <ExpandIcon
                aria-hidden="true"
                size={16}
                className={`shrink-0 transition-transform ${expanded ? 'rotate-90' : ''}`}
              />
              <span id={`${toggleId}-title`}>{words.title(rule)}</span>
            </button>
            <Badge tone={rule.builtIn ? 'neutral' : 'accent'}>
              {rule.builtIn ? t('automation.cards.builtIn') : t('automation.cards.custom')}
            </Badge>
            {dirty ? (
              <Badge tone="warning" testId={`rule-${rule.key}-unsaved`}>
                {t('automation.cards.unsaved')}
              </Badge>
            ) : null}
          </div>
          <p data-testid={`rule-${rule.key}-summary`} className="mt-1 text-sm text-slate-600">
            {t('automation.cards.summary', {
              trigger: words.trigger(rule.trigger),
              timing: words.timing({
                trigger: rule.trigger,
                delaySeconds: Number.isInteger(Number(current.delayValue))
                  ? delayToSeconds({ value: Number(current.delayValue), unit: current.delayUnit })
                  : rule.delaySeconds,
              }),
              template: templateSummary,
            })}
          </p>
          {rule.pause ? (
            <p
              data-testid={`rule-${rule.key}-paused`}
              role="note"
              className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-100"
            >
              {t('automation.cards.paused', {
                reason: t(`automation.pauseReasons.${rule.pause.reason}`),
                date: format.dateTime(rule.pause.at),
              })}
              {rule.pause.message ? <span className="block text-xs">{rule.pause.message}</span> : null}
            </p>
          ) : null}
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
              checked={current.enabled}
              onChange={(event) => edit({ enabled: event.target.checked })}
              className="peer h-6 w-11 cursor-pointer appearance-none rounded-full bg-slate-300 transition-colors checked:bg-emerald-500 focus-visible:ring-2 focus-visible:ring-indigo-300 focus-visible:outline-none"
            />
            <span
              aria-hidden="true"
              className="pointer-events-none absolute left-0.5 h-5 w-5 rounded-full bg-white shadow transition-transform peer-checked:translate-x-5"
            />
          </span>
          {current.enabled ? t('automation.rule.enabled') : t('automation.rule.disabled')}
        </label>
      </div>

      {dirty && !expanded ? (
        <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
          <button
            type="submit"
            data-testid={`rule-${rule.key}-save-collapsed`}
            className="btn-primary"
            disabled={save.isPending}
          >
            {save.isPending ? t('automation.rule.saving') : t('automation.rule.save')}
          </button>
          <button type="button" className="btn-secondary" onClick={() => onDraft(undefined)}>
            {t('automation.cards.discard')}
          </button>
        </div>
      ) : null}

      {expanded ? (
        <div id={bodyId} className="mt-4 border-t border-slate-200 pt-4">
          {rule.builtIn ? (
            <p className="mb-4 max-w-2xl text-sm text-slate-500">
              {t(`automation.rules.${rule.key}.description`, { defaultValue: '' })}
            </p>
          ) : null}
          <p className="mb-4 text-xs text-slate-400">
            {rule.updatedAt
              ? t('automation.rule.updatedAt', { date: format.dateTime(rule.updatedAt) })
              : t('automation.rule.neverSaved')}
          </p>
          <div className="grid gap-6 lg:grid-cols-2">
            <DelayField
              legend={
                countsBack(rule.trigger) ? t('automation.cards.offsetBefore') : t('automation.rule.delay')
              }
              testId="rule-delay"
              min={rule.builtIn ? 1 : 0}
              value={current.delayValue}
              unit={current.delayUnit}
              invalid={problem === 'delayInvalid' || problem === 'delayTooLong'}
              onChange={({ value, unit }) =>
                edit(value !== undefined ? { delayValue: value } : unit ? { delayUnit: unit } : {})
              }
              error={
                problem === 'delayInvalid' || problem === 'delayTooLong' ? (
                  <FieldError testId="rule-field-error-delay">
                    {t(`automation.rule.problems.${problem}`)}
                  </FieldError>
                ) : null
              }
            />

            <SelectField
              label={t('automation.rule.template')}
              aside={
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
              }
              testId="rule-template-select"
              value={current.template}
              placeholder={t('automation.rule.noTemplate')}
              options={templateOptions}
              invalid={problem === 'templateRequired' || problem === 'templateNotApproved'}
              controlClassName="input"
              onChange={(value) =>
                edit({
                  template: value,
                  mapping: fitMapping(current.mapping, findTemplate(templates, value)),
                })
              }
              error={
                problem === 'templateRequired' || problem === 'templateNotApproved' ? (
                  <FieldError testId="rule-field-error-template">
                    {t(`automation.rule.problems.${problem}`)}
                  </FieldError>
                ) : null
              }
            />
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
              {template.headerText ? (
                <p className="text-sm font-semibold text-slate-800">{template.headerText}</p>
              ) : null}
              <TemplateBody text={template.bodyText} />
              {template.footerText ? <p className="text-xs text-slate-500">{template.footerText}</p> : null}
              <MappingFields
                template={template}
                mapping={current.mapping}
                onChange={(mapping) => edit({ mapping })}
              />
            </div>
          ) : null}

          <section
            aria-label={t('automation.cards.previewTitle')}
            className="mt-6 space-y-3 rounded-lg bg-slate-50 p-3"
          >
            <h3 className="text-sm font-semibold text-slate-900">{t('automation.cards.previewTitle')}</h3>
            <LeadPicker
              value={previewLead}
              onChange={setPreviewLead}
              testId={`rule-${rule.key}-preview-lead`}
            />
            <div className="flex flex-wrap items-center gap-2">
              <button
                type="button"
                data-testid={`rule-${rule.key}-preview`}
                className="btn-secondary"
                disabled={!previewLead || preview.isPending}
                onClick={() => previewLead && preview.mutate({ ruleKey: rule.key, leadId: previewLead.id })}
              >
                {preview.isPending ? t('automation.cards.previewing') : t('automation.cards.preview')}
              </button>
              {dirty ? (
                <span className="text-xs text-amber-700">{t('automation.cards.previewSaved')}</span>
              ) : null}
            </div>
            {preview.data ? (
              <PreviewResult preview={preview.data} testId={`rule-${rule.key}-preview-result`} />
            ) : null}
            {preview.isError ? (
              <p role="alert" className="text-sm text-rose-700">
                {t('automation.cards.previewFailed', { message: preview.error.message })}
              </p>
            ) : null}
          </section>

          <div className="mt-6 flex flex-col gap-3 border-t border-slate-200 pt-4 sm:flex-row sm:items-center">
            <button type="submit" data-testid="rule-save" disabled={save.isPending} className="btn-primary">
              {save.isPending ? t('automation.rule.saving') : t('automation.rule.save')}
            </button>
            {dirty ? (
              <button
                type="button"
                data-testid="rule-discard"
                className="btn-secondary"
                onClick={() => onDraft(undefined)}
              >
                {t('automation.cards.discard')}
              </button>
            ) : null}
            {onEdit ? (
              <button
                type="button"
                data-testid={`rule-${rule.key}-edit`}
                className="btn-secondary"
                onClick={onEdit}
              >
                {t('automation.cards.edit')}
              </button>
            ) : null}
            {onDelete ? (
              <button
                type="button"
                data-testid={`rule-${rule.key}-delete`}
                className="btn-secondary text-rose-700"
                onClick={onDelete}
              >
                {t('automation.cards.delete')}
              </button>
            ) : null}
            {saved ? (
              <p role="status" data-testid="rule-saved" className="text-sm font-medium text-emerald-700">
                {t('automation.rule.saved')}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
      {generalError ? (
        <p id={errorId} role="alert" data-testid="rule-error" className="mt-3 text-sm text-rose-700">
          {generalError}
        </p>
      ) : null}
    </form>
  );
}
