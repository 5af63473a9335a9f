import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Notice } from '../../components/notice';

export type MetaCallbackKind = 'connected' | 'access_denied' | 'invalid_state' | 'exchange_failed';

/** Reads the gateway's OAuth callback redirect (`?meta=connected` / `?meta_error=<reason>`). */
export function readMetaCallback(params: URLSearchParams): MetaCallbackKind | null {
  if (params.get('meta') === 'connected') return 'connected';
  const error = params.get('meta_error');
  if (error === null) return null;
  if (error === 'access_denied' || error === 'invalid_state') return error;
  return 'exchange_failed';
}

export function MetaCallbackMessage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const kind = readMetaCallback(params);
  if (!kind) return null;

  const dismiss = () =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('meta');
        next.delete('meta_error');
        return next;
      },
      { replace: true },
    );

  return (
    <Notice
      tone={kind === 'connected' ? 'success' : kind === 'access_denied' ? 'warning' : 'danger'}
      title={t(`marketing.callback.${kind}.title`)}
      testId="meta-message"
      attributes={{ 'data-kind': kind }}
      action={
        <button type="button" onClick={dismiss} className="btn-secondary">
          {t('common.dismiss')}
        </button>
      }
    >
      {t(`marketing.callback.${kind}.description`)}
    </Notice>
  );
}
