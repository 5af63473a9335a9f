import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Field, FieldError, SelectField, TextField } from '../../components/form-field';
import { useCreateTemplate } from './templates-api';
import {
  MAX_BUTTONS,
  checkDraft,
  emptyDraft,
  toCreateInput,
  variablesOf,
  type DraftErrors,
  type TemplateDraft,
} from './template-checks';
import { TemplateMediaSampleField } from './template-media-sample';

type DraftButton = TemplateDraft['buttons'][number];

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
const HEADER_FORMATS = ['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'] as const;
const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER'] as const;

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** Create a template and submit it to Meta: checked here first, then Meta's own validation message is shown. */
export function TemplateForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const create = useCreateTemplate();
  const [draft, setDraft] = useState<TemplateDraft>(emptyDraft);
  const [errors, setErrors] = useState<DraftErrors>({});
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setButton = (index: number, patch: Partial<DraftButton>) =>
    set({ buttons: draft.buttons.map((b, j) => (j === index ? { ...b, ...patch } : b)) });
  const bodyVars = variablesOf(draft.body);

  const errorOf = (field: string) => {
    const code = errors[field];
    return code ? <FieldError alert>{t(`templates.form.errors.${code}`)}</FieldError> : null;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkDraft(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(toCreateInput(draft), { onSuccess: onCreated });
  };

  return (
    <form className="card space-y-4 p-5" onSubmit={submit} noValidate aria-label={t('templates.form.title')}>
      <h2 className="text-lg font-semibold">{t('templates.form.title')}</h2>
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          label={t('templates.form.name')}
          value={draft.name}
          onChange={(name) => set({ name })}
          error={errorOf('name')}
        />
        <TextField
          label={t('templates.form.language')}
          value={draft.language}
          onChange={(language) => set({ language })}
          error={errorOf('language')}
        />
        <SelectField
          label={t('templates.form.category')}
          value={draft.category}
          options={CATEGORIES.map((c) => ({ value: c, label: t(`templates.category.${c}`) }))}
          onChange={(category) => {
            if (isOneOf(CATEGORIES, category)) set({ category });
          }}
        />
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">{t('templates.form.header')}</legend>
        <SelectField
          label={t('templates.form.headerFormat')}
          labelHidden
          value={draft.headerFormat}
          options={HEADER_FORMATS.map((f) => ({ value: f, label: t(`templates.headerFormat.${f}`) }))}
          onChange={(headerFormat) => {
            // A sample uploaded for another format does not fit this one.
            if (isOneOf(HEADER_FORMATS, headerFormat)) set({ headerFormat, headerMediaHandle: '' });
          }}
        />
        {draft.headerFormat === 'TEXT' ? (
          <>
            <TextField
              label={t('templates.form.headerText')}
              value={draft.headerText}
              onChange={(headerText) => set({ headerText })}
              error={errorOf('header')}
            />
            {variablesOf(draft.headerText).length > 0 ? (
              <TextField
                label={t('templates.form.exampleFor', { variable: '1' })}
                value={draft.headerExample}
                onChange={(headerExample) => set({ headerExample })}
                error={errorOf('headerExample')}
              />
            ) : null}
          </>
        ) : draft.headerFormat !== 'NONE' ? (
          <TemplateMediaSampleField
            key={draft.headerFormat}
            format={draft.headerFormat}
            handle={draft.headerMediaHandle}
            onChange={(handle) => set({ headerMediaHandle: handle })}
            error={errorOf('headerMedia')}
          />
        ) : null}
      </fieldset>

      <Field
        label={t('templates.form.body')}
        hint={t('templates.form.bodyHint', { example: '{{1}}, {{2}}, {{3}}…' })}
        error={errorOf('body')}
      >
        {(id, describedBy) => (
          <textarea
            id={id}
            aria-describedby={describedBy}
            className="input min-h-24"
            value={draft.body}
            onChange={(e) => set({ body: e.target.value })}
          />
        )}
      </Field>
      {bodyVars.map((n) => (
        <TextField
          key={n}
          label={t('templates.form.exampleFor', { variable: String(n) })}
          value={draft.bodyExamples[n - 1] ?? ''}
          onChange={(example) => {
            const next = [...draft.bodyExamples];
            next[n - 1] = example;
            set({ bodyExamples: next });
          }}
          error={errorOf(`bodyExample${n}`)}
        />
      ))}

      <TextField
        label={t('templates.form.footer')}
        value={draft.footer}
        onChange={(footer) => set({ footer })}
        error={errorOf('footer')}
      />

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">{t('templates.form.buttons')}</legend>
        {draft.buttons.map((button, i) => (
          <div key={i} className="grid gap-2 sm:grid-cols-4">
            <SelectField
              label={t('templates.form.buttonType')}
              labelHidden
              value={button.type}
              options={BUTTON_TYPES.map((type) => ({
                value: type,
                label: t(`templates.buttonType.${type}`),
              }))}
              onChange={(type) => {
                if (isOneOf(BUTTON_TYPES, type)) setButton(i, { type });
              }}
            />
            <TextField
              label={t('templates.form.buttonText')}
              labelHidden
              placeholder={t('templates.form.buttonText')}
              value={button.text}
              onChange={(text) => setButton(i, { text })}
            />
            {button.type !== 'QUICK_REPLY' ? (
              <TextField
                label={t(button.type === 'URL' ? 'templates.form.buttonUrl' : 'templates.form.buttonPhone')}
                labelHidden
                placeholder={t(
                  button.type === 'URL' ? 'templates.form.buttonUrl' : 'templates.form.buttonPhone',
                )}
                value={button.value}
                onChange={(value) => setButton(i, { value })}
              />
            ) : null}
            {button.type === 'URL' && variablesOf(button.value).length > 0 ? (
              <TextField
                label={t('templates.form.buttonExample')}
                labelHidden
                placeholder={t('templates.form.buttonExample')}
                value={button.example}
                onChange={(example) => setButton(i, { example })}
              />
            ) : null}
            <button
              type="button"
              className="btn-secondary"
              onClick={() => set({ buttons: draft.buttons.filter((_, j) => j !== i) })}
            >
              {t('templates.form.removeButton')}
            </button>
            {errorOf(`button${i}`)}
          </div>
        ))}
        {draft.buttons.length < MAX_BUTTONS ? (
          <button
            type="button"
            className="btn-secondary"
            onClick={() =>
              set({ buttons: [...draft.buttons, { type: 'QUICK_REPLY', text: '', value: '', example: '' }] })
            }
          >
            {t('templates.form.addButton')}
          </button>
        ) : null}
      </fieldset>

      {create.isError ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          <p className="font-medium">{t('templates.form.metaRefused')}</p>
          <p>{isApiError(create.error) ? create.error.message : t('errors.generic')}</p>
        </div>
      ) : null}
      <button type="submit" className="btn-primary" disabled={create.isPending}>
        {create.isPending ? t('templates.form.submitting') : t('templates.form.submit')}
      </button>
    </form>
  );
}
