import { LEAD_STATUSES, MAX_LEAD_TAGS, type LeadDetail, type LeadStatus } from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Notice } from '../../components/notice';
import { useOptionalCurrentUser } from '../auth/guards';
import { canUse } from '../auth/session';
import { useUsers } from '../settings/settings-api';
import { useUpdateLead, type LeadChanges } from './leads-api';

type Draft = {
  name: string;
  email: string;
  phone: string;
  assignedUserId: string;
  status: LeadStatus;
  notes: string;
  tags: string;
};

function draftOf(lead: LeadDetail): Draft {
  return {
    name: lead.name,
    email: lead.email ?? '',
    phone: lead.phone ?? '',
    assignedUserId: lead.assignedUserId ?? '',
    status: lead.status,
    notes: lead.notes ?? '',
    tags: lead.tags.join(', '),
  };
}

export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  return [...new Set(tags)];
}

/** Only what changed, in the API's shape (empty email, seller or notes clear them). */
function changesOf(lead: LeadDetail, draft: Draft): LeadChanges {
  const changes: LeadChanges = {};
  if (draft.name.trim() !== lead.name) changes.name = draft.name.trim();
  if ((draft.email.trim() || null) !== lead.email) changes.email = draft.email.trim() || null;
  if (draft.phone.trim() !== (lead.phone ?? '')) changes.phone = draft.phone.trim();
  if ((draft.assignedUserId || null) !== lead.assignedUserId) {
    changes.assignedUserId = draft.assignedUserId || null;
  }
  if (draft.status !== lead.status) changes.status = draft.status;
  if ((draft.notes.trim() || null) !== (lead.notes ?? null)) changes.notes = draft.notes.trim() || null;
  const tags = parseTags(draft.tags);
  if (tags.join('\n') !== lead.tags.join('\n')) changes.tags = tags;
  return changes;
}

type LeadEditFormProps = {
  lead: LeadDetail;
  onDone: () => void;
  /** Opens another lead (the one a duplicate phone belongs to). */
  onOpenLead?: (id: string) => void;
};

export function LeadEditForm({ lead, onDone, onOpenLead }: LeadEditFormProps) {
  const { t } = useTranslation();
  const user = useOptionalCurrentUser();
  // Setters and closers cannot list users: they keep the seller as it is.
  const canAssign = user !== null && canUse('sellers', user.role);
  const users = useUsers({ enabled: canAssign });
  const update = useUpdateLead(lead.id);
  const [draft, setDraft] = useState<Draft>(() => draftOf(lead));
  const ids = {
    name: useId(),
    email: useId(),
    phone: useId(),
    seller: useId(),
    status: useId(),
    notes: useId(),
    tags: useId(),
    tagsHint: useId(),
  };
  const set = (changes: Partial<Draft>) => setDraft((current) => ({ ...current, ...changes }));
  const changes = changesOf(lead, draft);
  const tooManyTags = parseTags(draft.tags).length > MAX_LEAD_TAGS;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    update.mutate(changes, { onSuccess: onDone });
  };

  const error = update.error;
  const duplicate =
    isApiError(error) && error.status === 409 && typeof error.details?.['leadName'] === 'string'
      ? { name: error.details['leadName'], id: error.details['leadId'] }
      : null;

  return (
    <form onSubmit={onSubmit} noValidate data-testid="lead-edit-form" className="space-y-3 text-sm">
      <div className="space-y-1">
        <label htmlFor={ids.name} className="label">
          {t('leadEdit.name')}
        </label>
        <input
          id={ids.name}
          required
          maxLength={200}
          value={draft.name}
          onChange={(event) => set({ name: event.target.value })}
          className="input"
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={ids.phone} className="label">
            {t('leads.columns.phone')}
          </label>
          <input
            id={ids.phone}
            type="tel"
            required
            maxLength={40}
            value={draft.phone}
            onChange={(event) => set({ phone: event.target.value })}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.email} className="label">
            {t('leadDetail.email')}
          </label>
          <input
            id={ids.email}
            type="email"
            maxLength={254}
            value={draft.email}
            onChange={(event) => set({ email: event.target.value })}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.status} className="label">
            {t('leads.columns.status')}
          </label>
          <select
            id={ids.status}
            value={draft.status}
            onChange={(event) => set({ status: event.target.value as LeadStatus })}
            className="input"
          >
            {LEAD_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`leadStatus.${status}`)}
              </option>
            ))}
          </select>
        </div>
        {canAssign ? (
          <div className="space-y-1 sm:col-span-2">
            <label htmlFor={ids.seller} className="label">
              {t('leadDetail.assignedTo')}
            </label>
            <select
              id={ids.seller}
              value={draft.assignedUserId}
              onChange={(event) => set({ assignedUserId: event.target.value })}
              className="input"
            >
              <option value="">{t('leadDetail.unassigned')}</option>
              {(users.data ?? [])
                .filter((seller) => seller.active || seller.id === lead.assignedUserId)
                .map((seller) => (
                  <option key={seller.id} value={seller.id}>
                    {`${seller.name} · ${t(`roles.${seller.role}`)}`}
                  </option>
                ))}
              {lead.assignedUserId && !users.data?.some((seller) => seller.id === lead.assignedUserId) ? (
                <option value={lead.assignedUserId}>
                  {lead.assignedUserName ?? t('leadList.selectedSeller')}
                </option>
              ) : null}
            </select>
          </div>
        ) : null}
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.tags} className="label">
          {t('leadEdit.tags')}
        </label>
        <input
          id={ids.tags}
          aria-describedby={ids.tagsHint}
          aria-invalid={tooManyTags}
          value={draft.tags}
          onChange={(event) => set({ tags: event.target.value })}
          className="input"
        />
        <p id={ids.tagsHint} className={`text-xs ${tooManyTags ? 'text-rose-700' : 'text-slate-500'}`}>
          {t('leadEdit.tagsHint', { max: MAX_LEAD_TAGS })}
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.notes} className="label">
          {t('leadEdit.notes')}
        </label>
        <textarea
          id={ids.notes}
          rows={4}
          maxLength={5000}
          value={draft.notes}
          onChange={(event) => set({ notes: event.target.value })}
          className="input"
        />
      </div>
      {error ? (
        <Notice
          tone="danger"
          testId="lead-edit-error"
          action={
            duplicate && typeof duplicate.id === 'string' && onOpenLead ? (
              <button
                type="button"
                className="btn-secondary"
                onClick={() => onOpenLead(duplicate.id as string)}
              >
                {t('leadEdit.openDuplicate')}
              </button>
            ) : undefined
          }
        >
          {duplicate
            ? t('leadEdit.duplicatePhone', { name: duplicate.name })
            : isApiError(error) && error.status >= 400 && error.status < 500
              ? t('leadEdit.problem', { message: error.message })
              : isApiError(error) && error.code === 'NETWORK'
                ? t('errors.network')
                : t('errors.generic')}
        </Notice>
      ) : null}
      <div className="flex gap-2">
        <button
          type="submit"
          data-testid="lead-edit-save"
          className="btn-primary"
          disabled={update.isPending || !draft.name.trim() || !draft.phone.trim() || tooManyTags}
        >
          {update.isPending ? t('settings.saving') : t('settings.save')}
        </button>
        <button type="button" className="btn-secondary" onClick={onDone} disabled={update.isPending}>
          {t('settings.cancel')}
        </button>
      </div>
    </form>
  );
}
