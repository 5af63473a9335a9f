import type { OpportunityView } from '@crm/contracts/browser';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

function Dialog({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  const titleId = useId();
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        className="card w-full max-w-md p-5"
      >
        <h2 id={titleId} className="mb-4 text-lg font-semibold text-slate-900">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}

type LostReasonDialogProps = {
  opportunity: OpportunityView;
  busy: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
};

/** Asks why an opportunity was lost (the API requires a reason). */
export function LostReasonDialog({ opportunity, busy, onConfirm, onCancel }: LostReasonDialogProps) {
  const { t } = useTranslation();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) onConfirm(reason.trim());
  };
  return (
    <Dialog
      title={t('opportunities.lostDialog.title', { title: opportunity.title })}
      testId="lost-reason-dialog"
    >
      <form onSubmit={submit} className="space-y-4">
        <div>
          <label htmlFor={reasonId} className="label">
            {t('opportunities.lostDialog.reason')}
          </label>
          <textarea
            id={reasonId}
            className="input mt-1"
            rows={3}
            maxLength={500}
            required
            autoFocus
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onCancel} disabled={busy}>
            {t('opportunities.cancel')}
          </button>
          <button type="submit" className="btn-danger" disabled={busy || !reason.trim()}>
            {t('opportunities.lostDialog.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

type RecordSaleDialogProps = {
  opportunity: OpportunityView;
  busy: boolean;
  onConfirm: (amount: number) => void;
  onSkip: () => void;
};

/** Offered after an opportunity is won: records its sale (amount prefilled with the opportunity's value). */
export function RecordSaleDialog({ opportunity, busy, onConfirm, onSkip }: RecordSaleDialogProps) {
  const { t } = useTranslation();
  const amountId = useId();
  const [amount, setAmount] = useState(String(opportunity.value));
  const parsed = Number(amount);
  const valid = Number.isFinite(parsed) && parsed > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) onConfirm(Math.round(parsed * 100) / 100);
  };
  return (
    <Dialog
      title={t('opportunities.saleDialog.title', { title: opportunity.title })}
      testId="record-sale-dialog"
    >
      <form onSubmit={submit} className="space-y-4">
        <p className="text-sm text-slate-600">{t('opportunities.saleDialog.description')}</p>
        <div>
          <label htmlFor={amountId} className="label">
            {t('opportunities.saleDialog.amount', { currency: opportunity.currency })}
          </label>
          <input
            id={amountId}
            className="input mt-1"
            type="number"
            inputMode="decimal"
            min="0.01"
            step="0.01"
            required
            aria-invalid={!valid}
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
          />
        </div>
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onSkip} disabled={busy}>
            {t('opportunities.saleDialog.skip')}
          </button>
          <button type="submit" className="btn-primary" disabled={busy || !valid}>
            {t('opportunities.saleDialog.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
