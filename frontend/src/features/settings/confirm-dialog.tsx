import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

type ConfirmDialogProps = {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  busy: boolean;
  testId: string;
  onConfirm: () => void;
  onCancel: () => void;
};

/** A modal yes/no question; Escape or "Cancel" closes it, focus starts on "Cancel". */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  danger = false,
  busy,
  testId,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
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
        data-testid={testId}
        className="card w-full max-w-md p-5"
      >
        <h2 id={titleId} className="mb-2 text-lg font-semibold text-slate-900">
          {title}
        </h2>
        <p id={bodyId} className="mb-4 text-sm text-slate-600">
          {body}
        </p>
        <div className="flex justify-end gap-2">
          <button ref={cancelRef} type="button" className="btn-secondary" onClick={onCancel} disabled={busy}>
            {t('settings.cancel')}
          </button>
          <button
            type="button"
            data-testid={`${testId}-confirm`}
            className={danger ? 'btn-danger' : 'btn-primary'}
            onClick={onConfirm}
            disabled={busy}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
