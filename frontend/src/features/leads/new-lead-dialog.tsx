import { LEAD_SOURCES, type LeadSource } from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Dialog } from '../../components/dialog';
import { useCreateLead } from './leads-api';

/** Meta-attributed leads come from Meta (a lead form or a Click-to-WhatsApp ad), never typed in. */
const MANUAL_SOURCES = LEAD_SOURCES.filter((source) => source !== 'META_ADS');

/** `+52 1 55 1234-5678` → `+5215512345678` (the API checks E.164 and answers a clear 400 otherwise). */
export function compactPhone(value: string): string {
  return value.replace(/[\s().-]/g, '');
}

type NewLeadDialogProps = { onCreated: (lead: { id: string; name: string }) => void; onCancel: () => void };

/** A lead typed in by hand (a call, a walk-in): name, phone, optional email and where it came from. */
export function NewLeadDialog({ onCreated, onCancel }: NewLeadDialogProps) {
  const { t } = useTranslation();
  const create = useCreateLead();
  const ids = { name: useId(), phone: useId(), email: useId(), source: useId(), hint: useId() };
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [leadSource, setLeadSource] = useState<LeadSource>('MANUAL');
  const valid = name.trim() !== '' && compactPhone(phone) !== '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    create.mutate(
      { name: name.trim(), phone: compactPhone(phone), email: email.trim() || undefined, leadSource },
      { onSuccess: (lead) => onCreated(lead) },
    );
  };

  const error = !create.error
    ? null
    : isApiError(create.error) && create.error.status === 409
      ? t('newLead.errors.phoneTaken')
      : isApiError(create.error) && create.error.status === 400
        ? t('newLead.errors.invalid')
        : t('errors.generic');

  return (
    <Dialog title={t('newLead.title')} testId="new-lead-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <div>
          <label htmlFor={ids.name} className="label">
            {t('newLead.name')}
          </label>
          <input
            id={ids.name}
            data-testid="new-lead-name"
            className="input mt-1"
            required
            maxLength={200}
            autoComplete="off"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor={ids.phone} className="label">
            {t('newLead.phone')}
          </label>
          <input
            id={ids.phone}
            data-testid="new-lead-phone"
            className="input mt-1"
            type="tel"
            required
            autoComplete="off"
            aria-describedby={ids.hint}
            placeholder="+52 1 55 1234 5678"
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
          />
          <p id={ids.hint} className="mt-1 text-xs text-slate-500">
            {t('newLead.phoneHint')}
          </p>
        </div>
        <div>
          <label htmlFor={ids.email} className="label">
            {t('newLead.email')}
          </label>
          <input
            id={ids.email}
            data-testid="new-lead-email"
            className="input mt-1"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor={ids.source} className="label">
            {t('newLead.source')}
          </label>
          <select
            id={ids.source}
            data-testid="new-lead-source"
            className="input mt-1"
            value={leadSource}
            onChange={(event) => setLeadSource(event.target.value as LeadSource)}
          >
            {MANUAL_SOURCES.map((source) => (
              <option key={source} value={source}>
                {t(`leadSource.${source}`)}
              </option>
            ))}
          </select>
        </div>
        {error ? (
          <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onCancel} disabled={create.isPending}>
            {t('newLead.cancel')}
          </button>
          <button
            type="submit"
            data-testid="new-lead-submit"
            className="btn-primary"
            disabled={create.isPending || !valid}
          >
            {t('newLead.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
