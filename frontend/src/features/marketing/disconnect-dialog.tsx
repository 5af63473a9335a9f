import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** What stops while Meta is disconnected, in the order the dialog lists it. */
const WHAT_STOPS = ['reports', 'hsm', 'leadAds', 'conversions'] as const;

type DisconnectDialogProps = {
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/**
 * "Disconnect Meta?" — says what stops (reports' spend, HSM sends, Lead Ads intake, conversions) and what is kept,
 * before anything happens. Escape or "Cancel" closes it; focus starts on "Cancel".
 */
export function DisconnectDialog({ busy, onConfirm, onCancel }: DisconnectDialogProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
    >
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        data-testid="meta-disconnect-dialog"
        className="card w-full max-w-lg p-5"
      >
        <h2 id={titleId} className="mb-2 text-lg font-semibold text-slate-900">
          {t('marketing.disconnectDialog.title')}
        </h2>
        <div id={bodyId} className="space-y-3 text-sm text-slate-600">
          <p>{t('marketing.disconnectDialog.intro')}</p>
          <ul className="list-disc space-y-1 pl-5" data-testid="meta-disconnect-stops">
            {WHAT_STOPS.map((item) => (
              <li key={item}>{t(`marketing.disconnectDialog.stops.${item}`)}</li>
            ))}
          </ul>
          <p>{t('marketing.disconnectDialog.kept')}</p>
          <p>{t('marketing.disconnectDialog.otherAccounts')}</p>
        </div>
        <div className="mt-5 flex justify-end gap-2">
          <button ref={cancelRef} type="button" className="btn-secondary" onClick={onCancel} disabled={busy}>
            {t('marketing.disconnectDialog.cancel')}
          </button>
          <button
            type="button"
            data-testid="meta-disconnect-confirm"
            className="btn-danger"
            onClick={onConfirm}
            disabled={busy}
          >
            {busy ? t('marketing.disconnectDialog.busy') : t('marketing.disconnectDialog.confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
