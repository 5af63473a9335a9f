import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Notice } from '../../components/notice';

/** A 4xx names what was wrong (the API's own message); anything else gets the generic text of the UI language. */
export function useApiProblem() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (isApiError(error)) {
      if (error.code === 'NETWORK') return t('errors.network');
      if (error.status >= 400 && error.status < 500)
        return t('settings.apiProblem', { message: error.message });
    }
    return t('errors.generic');
  };
}

/** One settings section: a card with its title and what it is for. */
export function SettingsCard({
  title,
  description,
  testId,
  children,
}: {
  title: string;
  description: string;
  testId?: string;
  children: ReactNode;
}) {
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className="card p-5" data-testid={testId}>
      <h2 id={titleId} className="text-lg font-semibold text-slate-900">
        {title}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{description}</p>
      {children}
    </section>
  );
}

type SaveState = { isPending: boolean; isSuccess: boolean; isError: boolean; error: unknown };

/**
 * The end of a settings form (in its grid, full width): the save button (`<testId>-save`), "saved" once the API
 * took it, and the API's problem (`<testId>-error`) when it did not.
 */
export function SaveRow({
  save,
  testId,
  savedText,
  disabled = false,
}: {
  save: SaveState;
  testId: string;
  savedText: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const problem = useApiProblem();
  return (
    <>
      <div className="flex flex-col gap-3 sm:col-span-2 sm:flex-row sm:items-center">
        <button
          type="submit"
          data-testid={`${testId}-save`}
          className="btn-primary"
          disabled={save.isPending || disabled}
        >
          {save.isPending ? t('settings.saving') : t('settings.save')}
        </button>
        {save.isSuccess ? (
          <p role="status" className="text-sm text-emerald-700">
            {savedText}
          </p>
        ) : null}
      </div>
      {save.isError ? (
        <div className="sm:col-span-2">
          <Notice tone="danger" testId={`${testId}-error`}>
            {problem(save.error)}
          </Notice>
        </div>
      ) : null}
    </>
  );
}
