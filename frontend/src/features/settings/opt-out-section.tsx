import { MAX_OPT_OUT_PHRASE_LENGTH, MAX_OPT_OUT_PHRASES, type TenantView } from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../components/notice';
import { useUpdateTenant } from './settings-api';
import { useApiProblem } from './settings-page';

/** One phrase per line: trimmed, blank lines dropped. */
const phrasesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * Which replies opt a contact out of marketing messages: whole-message keywords (case and accents do not matter)
 * and the labels of quick-reply buttons (e.g. Meta's "Stop promotions").
 */
export function OptOutSection({ tenant }: { tenant: TenantView }) {
  const { t } = useTranslation();
  const update = useUpdateTenant();
  const problem = useApiProblem();
  const [keywords, setKeywords] = useState((tenant.optOutKeywords ?? []).join('\n'));
  const [buttons, setButtons] = useState((tenant.optOutButtonTexts ?? []).join('\n'));
  const ids = {
    title: useId(),
    keywords: useId(),
    buttons: useId(),
    keywordsHint: useId(),
    buttonsHint: useId(),
  };
  const lists = { keywords: phrasesOf(keywords), buttons: phrasesOf(buttons) };
  const tooMany = lists.keywords.length > MAX_OPT_OUT_PHRASES || lists.buttons.length > MAX_OPT_OUT_PHRASES;
  const tooLong = [...lists.keywords, ...lists.buttons].some((p) => p.length > MAX_OPT_OUT_PHRASE_LENGTH);
  const invalid = tooMany || tooLong;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid) return;
    update.mutate(
      { optOutKeywords: lists.keywords, optOutButtonTexts: lists.buttons },
      {
        onSuccess: (saved) => {
          setKeywords((saved.optOutKeywords ?? []).join('\n'));
          setButtons((saved.optOutButtonTexts ?? []).join('\n'));
        },
      },
    );
  };

  return (
    <section aria-labelledby={ids.title} className="card p-5" data-testid="opt-out-settings">
      <h2 id={ids.title} className="text-lg font-semibold text-slate-900">
        {t('settings.optOut.title')}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{t('settings.optOut.description')}</p>
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" data-testid="opt-out-form">
        <div className="space-y-1">
          <label htmlFor={ids.keywords} className="label">
            {t('settings.optOut.keywords')}
          </label>
          <textarea
            id={ids.keywords}
            data-testid="opt-out-keywords"
            rows={5}
            aria-describedby={ids.keywordsHint}
            value={keywords}
            onChange={(event) => setKeywords(event.target.value)}
            className="input font-mono"
          />
          <p id={ids.keywordsHint} className="text-xs text-slate-500">
            {t('settings.optOut.keywordsHint')}
          </p>
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.buttons} className="label">
            {t('settings.optOut.buttons')}
          </label>
          <textarea
            id={ids.buttons}
            data-testid="opt-out-buttons"
            rows={5}
            aria-describedby={ids.buttonsHint}
            value={buttons}
            onChange={(event) => setButtons(event.target.value)}
            className="input font-mono"
          />
          <p id={ids.buttonsHint} className="text-xs text-slate-500">
            {t('settings.optOut.buttonsHint')}
          </p>
        </div>
        {invalid ? (
          <div className="sm:col-span-2">
            <Notice tone="danger" testId="opt-out-invalid">
              {t('settings.optOut.invalid', { max: MAX_OPT_OUT_PHRASES, length: MAX_OPT_OUT_PHRASE_LENGTH })}
            </Notice>
          </div>
        ) : null}
        {lists.keywords.length === 0 && !invalid ? (
          <div className="sm:col-span-2">
            <Notice tone="warning" testId="opt-out-no-keywords">
              {t('settings.optOut.noKeywords')}
            </Notice>
          </div>
        ) : null}
        <div className="flex flex-col gap-3 sm:col-span-2 sm:flex-row sm:items-center">
          <button
            type="submit"
            data-testid="opt-out-save"
            className="btn-primary"
            disabled={update.isPending || invalid}
          >
            {update.isPending ? t('settings.saving') : t('settings.save')}
          </button>
          {update.isSuccess ? (
            <p role="status" className="text-sm text-emerald-700">
              {t('settings.optOut.saved')}
            </p>
          ) : null}
        </div>
        {update.isError ? (
          <div className="sm:col-span-2">
            <Notice tone="danger" testId="opt-out-error">
              {problem(update.error)}
            </Notice>
          </div>
        ) : null}
      </form>
    </section>
  );
}
