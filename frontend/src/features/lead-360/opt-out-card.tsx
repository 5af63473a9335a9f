import type { LeadView } from '@crm/contracts/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { http } from '../../api/http';
import { Badge } from '../../components/badge';
import { leadKeys } from '../leads/leads-api';
import { ConfirmDialog } from '../settings/confirm-dialog';
import { lead360Keys } from './lead-360-api';

/** `PATCH /crm/leads/:id` `{ optedOut }`, then the lead, its history and the lists are read again. */
function useSetOptedOut(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (optedOut: boolean) =>
      http<LeadView>(`/crm/leads/${encodeURIComponent(leadId)}`, { method: 'PATCH', body: { optedOut } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: leadKeys.detail(leadId) });
      void client.invalidateQueries({ queryKey: lead360Keys.timeline(leadId) });
      void client.invalidateQueries({ queryKey: ['leads', 'list'] });
    },
  });
}

/**
 * Do-not-contact for marketing messages: whether the contact opted out, and a switch to opt them out or back in
 * by hand (anyone who may edit the lead: ceo, professional or its seller), after a confirmation.
 */
export function OptOutCard({ lead }: { lead: Pick<LeadView, 'id' | 'name' | 'optedOut'> }) {
  const { t } = useTranslation();
  const setOptedOut = useSetOptedOut(lead.id);
  const [confirming, setConfirming] = useState(false);
  const next = !lead.optedOut;

  return (
    <section className="card p-5" aria-labelledby="opt-out-title" data-testid="opt-out-card">
      <div className="flex items-start justify-between gap-3">
        <h2 id="opt-out-title" className="text-sm font-semibold text-slate-900">
          {t('lead360.optOut.optedOutBadge')}
        </h2>
        {lead.optedOut ? (
          <Badge tone="danger" testId="opt-out-state">
            {t('leadDetail.optedOut')}
          </Badge>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {lead.optedOut ? t('lead360.optOut.optInHint') : t('lead360.optOut.optOutHint')}
      </p>
      <button
        type="button"
        data-testid="opt-out-toggle"
        className={`mt-3 ${lead.optedOut ? 'btn-secondary' : 'btn-danger'}`}
        disabled={setOptedOut.isPending}
        onClick={() => setConfirming(true)}
      >
        {lead.optedOut ? t('lead360.optOut.optIn') : t('lead360.optOut.optOut')}
      </button>
      {setOptedOut.isError ? (
        <p role="alert" className="mt-2 text-xs text-rose-700">
          {t('errors.generic')}
        </p>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          testId="opt-out-confirm"
          title={
            next
              ? t('lead360.optOut.optOutConfirmTitle', { name: lead.name })
              : t('lead360.optOut.optInConfirmTitle', { name: lead.name })
          }
          body={next ? t('lead360.optOut.optOutConfirm') : t('lead360.optOut.optInConfirm')}
          confirmLabel={next ? t('lead360.optOut.optOut') : t('lead360.optOut.optIn')}
          danger={next}
          busy={setOptedOut.isPending}
          onConfirm={() => setOptedOut.mutate(next, { onSettled: () => setConfirming(false) })}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
