import type { OpportunityStatus, SaleStatus } from '@crm/contracts/browser';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Badge, type BadgeTone } from '../../components/badge';
import { ErrorState } from '../../components/error-state';
import { CloseIcon, EditIcon } from '../../components/icons';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { LeadEditForm } from './lead-edit-form';
import { LeadStatusBadge } from './lead-labels';
import { AdNamesCell } from '../lead-360/ad-names-cell';
import { useLead } from './leads-api';

const OPPORTUNITY_TONES: Record<OpportunityStatus, BadgeTone> = {
  pending: 'warning',
  won: 'success',
  lost: 'danger',
};
const SALE_TONES: Record<SaleStatus, BadgeTone> = {
  pending: 'warning',
  completed: 'success',
  refunded: 'neutral',
};

type LeadDetailPanelProps = { leadId: string; onClose: () => void; onOpenLead?: (id: string) => void };

export function LeadDetailPanel({ leadId, onClose, onOpenLead }: LeadDetailPanelProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const lead = useLead(leadId);
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = editingId === leadId;
  const titleId = useId();
  const panelRef = useRef<HTMLElement>(null);

  // Below the xl breakpoint the panel sits under the table: bring it into view when a lead is picked.
  useEffect(() => {
    if (window.matchMedia('(max-width: 1279px)').matches) {
      panelRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }, [leadId]);

  return (
    <aside
      ref={panelRef}
      data-testid="lead-detail"
      aria-labelledby={titleId}
      className="card h-fit p-5 xl:sticky xl:top-6"
    >
      <div className="mb-4 flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-xs uppercase tracking-wide text-slate-400">{t('leadDetail.title')}</p>
          <h2 id={titleId} className="truncate text-lg font-semibold text-slate-900">
            {lead.data?.name ?? '…'}
          </h2>
          <Link to={`/leads/${leadId}`} className="text-sm font-medium text-indigo-700 hover:underline">
            {t('lead360.openFull')}
          </Link>
        </div>
        <div className="flex shrink-0 gap-2">
          {lead.data && !editing ? (
            <button
              type="button"
              data-testid="lead-edit"
              onClick={() => setEditingId(leadId)}
              className="btn-secondary"
            >
              <EditIcon aria-hidden="true" size={16} />
              {t('leadEdit.edit')}
            </button>
          ) : null}
          <button
            type="button"
            onClick={onClose}
            className="btn-secondary"
            aria-label={t('leadDetail.close')}
          >
            <CloseIcon aria-hidden="true" size={16} />
          </button>
        </div>
      </div>

      {lead.isPending ? (
        <div className="space-y-3" role="status">
          <span className="sr-only">{t('common.loading')}</span>
          <SkeletonBlock className="h-4 w-2/3" />
          <SkeletonBlock className="h-4 w-1/2" />
          <SkeletonBlock className="h-20 w-full" />
        </div>
      ) : lead.isError ? (
        <ErrorState error={lead.error} onRetry={() => void lead.refetch()} />
      ) : editing ? (
        <LeadEditForm lead={lead.data} onDone={() => setEditingId(null)} onOpenLead={onOpenLead} />
      ) : (
        <div className="space-y-6">
          <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm">
            <div>
              <dt className="text-slate-500">{t('leads.columns.status')}</dt>
              <dd className="mt-0.5">
                <LeadStatusBadge status={lead.data.status} />
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('leads.columns.source')}</dt>
              <dd className="mt-0.5 text-slate-900">{t(`leadSource.${lead.data.leadSource}`)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('leads.columns.phone')}</dt>
              <dd className="mt-0.5 tabular-nums text-slate-900">{lead.data.phone ?? t('common.none')}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('leadDetail.email')}</dt>
              <dd className="mt-0.5 break-all text-slate-900">{lead.data.email ?? '—'}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('leadDetail.assignedTo')}</dt>
              <dd className="mt-0.5 text-slate-900">
                {lead.data.assignedUserName ?? t('leadDetail.unassigned')}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('leads.columns.createdAt')}</dt>
              <dd className="mt-0.5 text-slate-900">{format.dateTime(lead.data.createdAt)}</dd>
            </div>
            <div className="col-span-2">
              <dt className="text-slate-500">{t('leadDetail.attribution')}</dt>
              <dd className="mt-0.5 text-slate-900">
                <AdNamesCell lead={lead.data} />
              </dd>
            </div>
            {lead.data.tags.length > 0 ? (
              <div className="col-span-2">
                <dt className="text-slate-500">{t('leadEdit.tagsLabel')}</dt>
                <dd className="mt-1 flex flex-wrap gap-1">
                  {lead.data.tags.map((tag) => (
                    <Badge key={tag}>{tag}</Badge>
                  ))}
                </dd>
              </div>
            ) : null}
            {lead.data.notes ? (
              <div className="col-span-2">
                <dt className="text-slate-500">{t('leadEdit.notes')}</dt>
                <dd className="mt-0.5 whitespace-pre-line break-words text-slate-900">{lead.data.notes}</dd>
              </div>
            ) : null}
            {lead.data.optedOut ? (
              <div className="col-span-2">
                <Badge tone="danger">{t('leadDetail.optedOut')}</Badge>
              </div>
            ) : null}
          </dl>

          <section>
            <h3 className="mb-2 text-sm font-semibold text-slate-900">{t('leadDetail.opportunities')}</h3>
            {lead.data.opportunities.length === 0 ? (
              <p className="text-sm text-slate-500">{t('leadDetail.noOpportunities')}</p>
            ) : (
              <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
                {lead.data.opportunities.map((opportunity) => (
                  <li
                    key={opportunity.id}
                    data-testid={`opportunity-${opportunity.id}`}
                    className="flex items-center justify-between gap-3 px-3 py-2 text-sm"
                  >
                    <div className="min-w-0">
                      <p className="truncate font-medium text-slate-900">{opportunity.title}</p>
                      <p className="text-xs text-slate-500">
                        {opportunity.deadline
                          ? t('leadDetail.deadline', { date: format.dateTime(opportunity.deadline) })
                          : format.dateTime(opportunity.createdAt)}
                      </p>
                    </div>
                    <div className="flex shrink-0 flex-col items-end gap-1">
                      <span className="tabular-nums text-slate-900">
                        {format.money(opportunity.value, opportunity.currency)}
                      </span>
                      <Badge tone={OPPORTUNITY_TONES[opportunity.status]}>
                        {t(`opportunityStatus.${opportunity.status}`)}
                      </Badge>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section>
            <h3 className="mb-2 text-sm font-semibold text-slate-900">{t('leadDetail.sales')}</h3>
            {lead.data.sales.length === 0 ? (
              <p className="text-sm text-slate-500">{t('leadDetail.noSales')}</p>
            ) : (
              <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
                {lead.data.sales.map((sale) => (
                  <li
                    key={sale.id}
                    data-testid={`sale-${sale.id}`}
                    className="flex items-center justify-between gap-3 px-3 py-2 text-sm"
                  >
                    <span className="text-xs text-slate-500">
                      {sale.completedAt ? format.dateTime(sale.completedAt) : t('leadDetail.notCompleted')}
                    </span>
                    <div className="flex shrink-0 flex-col items-end gap-1">
                      <span className="tabular-nums text-slate-900">
                        {format.money(sale.amount, sale.currency)}
                      </span>
                      <Badge tone={SALE_TONES[sale.status]}>{t(`saleStatus.${sale.status}`)}</Badge>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </aside>
  );
}
