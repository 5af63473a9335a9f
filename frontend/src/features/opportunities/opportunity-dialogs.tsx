import { CURRENCIES, type Currency, type OpportunityView } from '@crm/contracts/browser';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/dialog';
import { useLeads } from '../leads/leads-api';
import { useTenant, type NewOpportunity } from './opportunities-api';

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

const LEAD_CHOICES = 10;
const DEFAULT_CURRENCY = 'MXN';
const LEAD_SEARCH_DEBOUNCE_MS = 300;

type NewOpportunityDialogProps = {
  busy: boolean;
  error: string | null;
  onConfirm: (opportunity: NewOpportunity) => void;
  onCancel: () => void;
};

/**
 * A new opportunity for a lead: the lead is picked from the newest leads or found by name, phone or email; the
 * value starts in the tenant's currency; the deadline is optional.
 */
export function NewOpportunityDialog({ busy, error, onConfirm, onCancel }: NewOpportunityDialogProps) {
  const { t } = useTranslation();
  const ids = { search: useId(), lead: useId(), title: useId(), value: useId(), currency: useId() };
  const deadlineId = useId();
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [leadId, setLeadId] = useState('');
  const [title, setTitle] = useState('');
  const [value, setValue] = useState('');
  const tenant = useTenant();
  const [chosenCurrency, setCurrency] = useState<string | null>(null);
  const currency = chosenCurrency ?? tenant.data?.currency ?? DEFAULT_CURRENCY;
  const [deadline, setDeadline] = useState('');

  useEffect(() => {
    const timer = window.setTimeout(() => setSearch(searchText.trim()), LEAD_SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [searchText]);

  const leads = useLeads({ pageSize: LEAD_CHOICES, search: search || undefined });
  const choices = leads.data?.items ?? [];
  // The first match is picked unless the user chose one that is still listed.
  const selectedLeadId = choices.some((lead) => lead.id === leadId) ? leadId : (choices[0]?.id ?? '');
  const amount = Number(value);
  const validAmount = value.trim() !== '' && Number.isFinite(amount) && amount > 0;
  const valid = selectedLeadId !== '' && title.trim() !== '' && validAmount;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    onConfirm({
      leadId: selectedLeadId,
      title: title.trim(),
      value: Math.round(amount * 100) / 100,
      currency,
      deadline: deadline ? new Date(deadline).toISOString() : undefined,
    });
  };

  const currencies: readonly string[] = CURRENCIES.includes(currency as Currency)
    ? CURRENCIES
    : [currency, ...CURRENCIES];

  return (
    <Dialog title={t('newOpportunity.title')} testId="new-opportunity-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <div>
          <label htmlFor={ids.search} className="label">
            {t('newOpportunity.findLead')}
          </label>
          <input
            id={ids.search}
            type="search"
            data-testid="new-opportunity-lead-search"
            className="input mt-1"
            placeholder={t('newOpportunity.findLeadPlaceholder')}
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor={ids.lead} className="label">
            {t('newOpportunity.lead')}
          </label>
          <select
            id={ids.lead}
            data-testid="new-opportunity-lead"
            className="input mt-1"
            required
            aria-busy={leads.isFetching}
            value={selectedLeadId}
            onChange={(event) => setLeadId(event.target.value)}
          >
            {choices.length === 0 ? (
              <option value="">{leads.isPending ? t('common.loading') : t('newOpportunity.noLeads')}</option>
            ) : null}
            {choices.map((lead) => (
              <option key={lead.id} value={lead.id}>
                {`${lead.name} · ${lead.phone}`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.title} className="label">
            {t('newOpportunity.opportunityTitle')}
          </label>
          <input
            id={ids.title}
            data-testid="new-opportunity-title"
            className="input mt-1"
            required
            maxLength={200}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
          />
        </div>
        <div className="grid grid-cols-[1fr_7rem] gap-3">
          <div>
            <label htmlFor={ids.value} className="label">
              {t('newOpportunity.value')}
            </label>
            <input
              id={ids.value}
              data-testid="new-opportunity-value"
              className="input mt-1"
              type="number"
              inputMode="decimal"
              min="0.01"
              step="0.01"
              required
              aria-invalid={value !== '' && !validAmount}
              value={value}
              onChange={(event) => setValue(event.target.value)}
            />
          </div>
          <div>
            <label htmlFor={ids.currency} className="label">
              {t('newOpportunity.currency')}
            </label>
            <select
              id={ids.currency}
              data-testid="new-opportunity-currency"
              className="input mt-1"
              value={currency}
              onChange={(event) => setCurrency(event.target.value)}
            >
              {currencies.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div>
          <label htmlFor={deadlineId} className="label">
            {t('newOpportunity.deadline')}
          </label>
          <input
            id={deadlineId}
            data-testid="new-opportunity-deadline"
            className="input mt-1"
            type="datetime-local"
            value={deadline}
            onChange={(event) => setDeadline(event.target.value)}
          />
        </div>
        {error ? (
          <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onCancel} disabled={busy}>
            {t('opportunities.cancel')}
          </button>
          <button
            type="submit"
            data-testid="new-opportunity-submit"
            className="btn-primary"
            disabled={busy || !valid}
          >
            {t('newOpportunity.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
