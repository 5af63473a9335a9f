import {
  LEAD_FORM_CRM_FIELDS,
  type LeadFormCrmField,
  type LeadFormQuestionView,
  type LeadFormView,
} from '@crm/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldError, SelectField } from '../../components/form-field';
import { Notice } from '../../components/notice';
import { useApiProblem } from '../settings/settings-form';
import { useUpdateLeadFormMapping } from './lead-ads-api';
import {
  clashingQuestions,
  defaultDraftOf,
  draftOf,
  isDirty,
  mappingToSave,
  type MappingDraft,
} from './lead-form-mapping';

type LeadFormMappingEditorProps = {
  form: LeadFormView;
  /** Closed without saving: the changes are dropped. */
  onCancel: () => void;
  onSaved: () => void;
};

/**
 * Where each answer of one Lead Ads form goes in the CRM lead: every question (as Meta shows it, with its key) gets
 * a CRM field. The changes stay here, unsaved, until they are saved or cancelled; a question the API would refuse
 * (two questions to the same email…) is named before sending, and the API's own 4xx message is shown as is.
 */
export function LeadFormMappingEditor({ form, onCancel, onSaved }: LeadFormMappingEditorProps) {
  const { t } = useTranslation();
  const problem = useApiProblem();
  const update = useUpdateLeadFormMapping();
  const [draft, setDraft] = useState<MappingDraft>(() => draftOf(form));
  const [checked, setChecked] = useState(false);
  const clashes = clashingQuestions(form, draft);
  const dirty = isDirty(form, draft);

  const set = (key: string, field: LeadFormCrmField) => {
    setDraft((current) => ({ ...current, [key]: field }));
    if (update.isError) update.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (clashes.size > 0) return;
    update.mutate({ formId: form.id, mapping: mappingToSave(form, draft) }, { onSuccess: onSaved });
  };

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      data-testid="lead-form-mapping"
      aria-label={t('marketing.leadAds.mapping.title', { name: form.name })}
      className="mt-3 space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-3 sm:p-4"
    >
      <p className="text-sm text-slate-600">{t('marketing.leadAds.mapping.description')}</p>
      {form.questions.length === 0 ? (
        <p className="text-sm text-slate-500">{t('marketing.leadAds.mapping.noQuestions')}</p>
      ) : (
        <ul className="divide-y divide-slate-200">
          {form.questions.map((question) => (
            <QuestionRow
              key={question.key}
              question={question}
              value={draft[question.key] ?? question.field}
              clash={checked ? clashes.get(question.key) : undefined}
              onChange={(field) => set(question.key, field)}
            />
          ))}
        </ul>
      )}
      {checked && clashes.size > 0 ? (
        <Notice tone="danger" testId="lead-form-mapping-clash">
          {t('marketing.leadAds.mapping.clash')}
        </Notice>
      ) : null}
      {update.isError ? (
        <Notice tone="danger" testId="lead-form-mapping-error">
          {problem(update.error)}
        </Notice>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="submit"
          data-testid="lead-form-mapping-save"
          className="btn-primary"
          disabled={update.isPending || !dirty}
        >
          {update.isPending ? t('settings.saving') : t('marketing.leadAds.mapping.save')}
        </button>
        <button type="button" className="btn-secondary" onClick={onCancel} disabled={update.isPending}>
          {t('marketing.leadAds.mapping.cancel')}
        </button>
        <button
          type="button"
          className="btn-secondary"
          onClick={() => {
            setDraft(defaultDraftOf(form));
            if (update.isError) update.reset();
          }}
          disabled={update.isPending}
        >
          {t('marketing.leadAds.mapping.defaults')}
        </button>
        {dirty ? (
          <span className="text-xs text-amber-700" data-testid="lead-form-mapping-unsaved">
            {t('marketing.leadAds.mapping.unsaved')}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function QuestionRow({
  question,
  value,
  clash,
  onChange,
}: {
  question: LeadFormQuestionView;
  value: LeadFormCrmField;
  clash: LeadFormCrmField | undefined;
  onChange: (field: LeadFormCrmField) => void;
}) {
  const { t } = useTranslation();
  const fieldName = (field: LeadFormCrmField) => t(`marketing.leadAds.fields.${field}`);
  const hint =
    value === 'city' || value === 'notes'
      ? t('marketing.leadAds.mapping.hints.notesLine', { label: question.label })
      : value === 'tag'
        ? t('marketing.leadAds.mapping.hints.tag')
        : value === 'ignore'
          ? t('marketing.leadAds.mapping.hints.ignore')
          : undefined;
  return (
    <li className="grid gap-2 py-3 sm:grid-cols-2 sm:gap-4" data-testid="lead-form-question">
      <div className="min-w-0">
        <p className="text-sm font-medium break-words text-slate-900">{question.label}</p>
        <p className="font-mono text-xs break-all text-slate-500">{question.key}</p>
      </div>
      <SelectField
        label={t('marketing.leadAds.mapping.fieldFor', { label: question.label })}
        labelHidden
        value={value}
        onChange={(next) => onChange(next as LeadFormCrmField)}
        invalid={clash !== undefined}
        options={LEAD_FORM_CRM_FIELDS.map((field) => ({
          value: field,
          label:
            field === question.defaultField
              ? t('marketing.leadAds.mapping.defaultOption', { field: fieldName(field) })
              : fieldName(field),
        }))}
        hint={hint}
        error={
          clash ? (
            <FieldError>{t('marketing.leadAds.mapping.clashField', { field: fieldName(clash) })}</FieldError>
          ) : null
        }
      />
    </li>
  );
}
