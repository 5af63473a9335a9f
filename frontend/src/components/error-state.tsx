import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/http';
import { WarningIcon } from './icons';

type ErrorStateProps = { error: unknown; onRetry?: () => void; title?: string };

/** Generic failure panel for a query; Meta-specific failures have their own notice in the Marketing Hub. */
export function ErrorState({ error, onRetry, title }: ErrorStateProps) {
  const { t } = useTranslation();
  const code = isApiError(error) ? error.code : 'UNKNOWN';
  const description =
    isApiError(error) && error.code === 'NETWORK'
      ? t('errors.network')
      : isApiError(error) && error.status === 403
        ? t('errors.forbidden')
        : isApiError(error) && error.status === 404
          ? t('errors.notFound')
          : t('errors.generic');
  return (
    <div
      role="alert"
      data-testid="error-state"
      data-code={code}
      className="flex flex-col items-center gap-3 px-6 py-10 text-center"
    >
      <WarningIcon aria-hidden="true" size={24} className="text-rose-500" />
      <p className="text-sm font-semibold text-rose-700">{title ?? t('errors.title')}</p>
      <p className="max-w-md text-sm text-slate-600">{description}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry} className="btn-secondary">
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
