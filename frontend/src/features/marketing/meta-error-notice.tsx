import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isApiError, retryAfterSeconds } from '../../api/http';
import { Notice } from '../../components/notice';
import { useFormatters } from '../../lib/format';

/**
 * The translated sentence for a Meta failure `code` (an API error's, or a connection's last error).
 * `leadsRead`: a `REPORT_PREPARING` build's progress, already formatted.
 */
export function metaErrorText(
  t: TFunction,
  code: string,
  {
    seconds = null,
    reason,
    leadsRead = null,
  }: { seconds?: number | null; reason?: unknown; leadsRead?: string | null } = {},
): string {
  switch (code) {
    case 'REPORT_PREPARING':
      return leadsRead === null
        ? t('marketing.errors.preparing')
        : t('marketing.errors.preparingProgress', { leads: leadsRead });
    case 'META_NOT_CONNECTED':
      return t('marketing.errors.notConnected');
    case 'META_TOKEN_EXPIRED':
      return t('marketing.errors.tokenExpired');
    case 'META_PERMISSION':
      return t('marketing.errors.permission');
    case 'META_RATE_LIMITED':
      if (seconds === null) return t('marketing.errors.rateLimited');
      return seconds >= 90
        ? t('marketing.errors.rateLimitedRetryMinutes', { minutes: Math.ceil(seconds / 60) })
        : t('marketing.errors.rateLimitedRetry', { seconds });
    case 'META_UNAVAILABLE':
      return t('marketing.errors.unavailable');
    case 'UPSTREAM_TIMEOUT':
      return t('marketing.errors.timeout');
    case 'META_REJECTED':
      return t('marketing.errors.rejected');
    case 'VALIDATION':
      return t('marketing.errors.validation');
    case 'CONFLICT':
      if (reason === 'page_owned') return t('marketing.errors.pageTaken');
      if (reason === 'waba_owned' || reason === 'number_owned') return t('marketing.errors.whatsappTaken');
      return t('marketing.errors.generic');
    case 'NETWORK':
      return t('errors.network');
    default:
      return t('marketing.errors.generic');
  }
}

type MetaErrorNoticeProps = { error: unknown; onRetry?: () => void };

/** One clear message per Meta failure (not connected, token expired, rate limit, outage…), never a crash. */
export function MetaErrorNotice({ error, onRetry }: MetaErrorNoticeProps) {
  const { t } = useTranslation();
  const { integer } = useFormatters();
  const code = isApiError(error) ? error.code : 'UNKNOWN';
  const seconds = isApiError(error) ? retryAfterSeconds(error) : null;
  const leadsRead = isApiError(error) ? error.details?.['leadsRead'] : undefined;
  const preparing = code === 'REPORT_PREPARING';

  const message = metaErrorText(t, code, {
    seconds,
    reason: isApiError(error) ? error.details?.['reason'] : undefined,
    leadsRead: typeof leadsRead === 'number' && leadsRead > 0 ? integer(leadsRead) : null,
  });
  // A report being prepared is asked for again by itself (the query's refetchInterval).
  const retryable =
    code !== 'META_NOT_CONNECTED' &&
    code !== 'META_TOKEN_EXPIRED' &&
    code !== 'META_PERMISSION' &&
    !preparing;

  return (
    <Notice
      tone={
        preparing
          ? 'info'
          : code === 'META_RATE_LIMITED' || code === 'META_UNAVAILABLE'
            ? 'warning'
            : 'danger'
      }
      title={preparing ? t('marketing.errors.preparingTitle') : t('marketing.errors.title')}
      testId="meta-error"
      attributes={{ 'data-code': code }}
      action={
        onRetry && retryable ? (
          <button type="button" onClick={onRetry} className="btn-secondary">
            {t('common.retry')}
          </button>
        ) : undefined
      }
    >
      {message}
    </Notice>
  );
}
