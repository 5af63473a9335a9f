import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
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

/** Create a template and submit it to Meta: checked here first, then Meta's own validation message is shown. */
export function TemplateForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const create = useCreateTemplate();
  const [draft, setDraft] = useState<TemplateDraft>(emptyDraft);
  const [errors, setErrors] = useState<DraftErrors>({});
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const bodyVars = variablesOf(draft.body);

  const errorOf = (field: string) => {
    const code = errors[field];
    return code ? (
      <p className="text-sm text-red-700" role="alert">
        {t(`templates.form.errors.${code}`)}
      </p>
    ) : null;
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
        <label className="block text-sm">
          {t('templates.form.name')}
          <input className="input" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
          {errorOf('name')}
        </label>
        <label className="block text-sm">
          {t('templates.form.language')}
          <input
            className="input"
            value={draft.language}
            onChange={(e) => set({ language: e.target.value })}
          />
          {errorOf('language')}
        </label>
        <label className="block text-sm">
          {t('templates.form.category')}
          <select
            className="input"
            value={draft.category}
            onChange={(e) => set({ category: e.target.value as TemplateDraft['category'] })}
          >
            {(['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const).map((c) => (
              <option key={c} value={c}>
                {t(`templates.category.${c}`)}
              </option>
            ))}
          </select>
        </label>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">{t('templates.form.header')}</legend>
        <select
          className="input"
          aria-label={t('templates.form.headerFormat')}
          value={draft.headerFormat}
          onChange={(e) =>
            // A sample uploaded for another format does not fit this one.
            set({ headerFormat: e.target.value as TemplateDraft['headerFormat'], headerMediaHandle: '' })
          }
        >
          {(['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'] as const).map((f) => (
            <option key={f} value={f}>
              {t(`templates.headerFormat.${f}`)}
            </option>
          ))}
        </select>
        {draft.headerFormat === 'TEXT' ? (
          <>
            <label className="block text-sm">
              {t('templates.form.headerText')}
              <input
                className="input"
                value={draft.headerText}
                onChange={(e) => set({ headerText: e.target.value })}
              />
            </label>
            {errorOf('header')}
            {variablesOf(draft.headerText).length > 0 ? (
              <label className="block text-sm">
                {t('templates.form.exampleFor', { variable: '1' })}
                <input
                  className="input"
                  value={draft.headerExample}
                  onChange={(e) => set({ headerExample: e.target.value })}
                />
                {errorOf('headerExample')}
              </label>
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

      <label className="block text-sm">
        {t('templates.form.body')}
        <textarea
          className="input min-h-24"
          value={draft.body}
          onChange={(e) => set({ body: e.target.value })}
        />
      </label>
      <p className="text-xs text-slate-500">{t('templates.form.bodyHint')}</p>
      {errorOf('body')}
      {bodyVars.map((n) => (
        <label key={n} className="block text-sm">
          {t('templates.form.exampleFor', { variable: String(n) })}
          <input
            className="input"
            value={draft.bodyExamples[n - 1] ?? ''}
            onChange={(e) => {
              const next = [...draft.bodyExamples];
              next[n - 1] = e.target.value;
              set({ bodyExamples: next });
            }}
          />
          {errorOf(`bodyExample${n}`)}
        </label>
      ))}

      <label className="block text-sm">
        {t('templates.form.footer')}
        <input className="input" value={draft.footer} onChange={(e) => set({ footer: e.target.value })} />
        {errorOf('footer')}
      </label>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">{t('templates.form.buttons')}</legend>
        {draft.buttons.map((button, i) => (
          <div key={i} className="grid gap-2 sm:grid-cols-4">
            <select
              className="input"
              aria-label={t('templates.form.buttonType')}
              value={button.type}
              onChange={(e) =>
                set({
                  buttons: draft.buttons.map((b, j) =>
                    j === i ? { ...b, type: e.target.value as typeof b.type } : b,
                  ),
                })
              }
            >
              {(['QUICK_REPLY', 'URL', 'PHONE_NUMBER'] as const).map((type) => (
                <option key={type} value={type}>
                  {t(`templates.buttonType.${type}`)}
                </option>
              ))}
            </select>
            <input
              className="input"
              aria-label={t('templates.form.buttonText')}
              value={button.text}
              onChange={(e) =>
                set({ buttons: draft.buttons.map((b, j) => (j === i ? { ...b, text: e.target.value } : b)) })
              }
            />
            {button.type !== 'QUICK_REPLY' ? (
              <input
                className="input"
                aria-label={t(
                  button.type === 'URL' ? 'templates.form.buttonUrl' : 'templates.form.buttonPhone',
                )}
                value={button.value}
                onChange={(e) =>
                  set({
                    buttons: draft.buttons.map((b, j) => (j === i ? { ...b, value: e.target.value } : b)),
                  })
                }
              />
            ) : null}
            {button.type === 'URL' && variablesOf(button.value).length > 0 ? (
              <input
                className="input"
                aria-label={t('templates.form.buttonExample')}
                value={button.example}
                onChange={(e) =>
                  set({
                    buttons: draft.buttons.map((b, j) => (j === i ? { ...b, example: e.target.value } : b)),
                  })
                }
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
