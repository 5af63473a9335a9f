import { LEAD_STATUSES, type LeadStatus, type LeadView } from '@crm/contracts/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { http, isApiError } from '../../api/http';
import { Badge } from '../../components/badge';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { ChevronLeftIcon } from '../../components/icons';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { LeadStatusBadge } from '../leads/lead-labels';
import { leadKeys, useLead } from '../leads/leads-api';
import { AdContextCard } from './ad-context-card';
import { lead360Keys } from './lead-360-api';
import { LeadTimeline } from './lead-timeline';
import { OptOutCard } from './opt-out-card';

/** Changes the lead's status through `PATCH /crm/leads/:id`, then refreshes the lead and its timeline. */
function useUpdateStatus(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (status: LeadStatus) =>
      http<LeadView>(`/crm/leads/${encodeURIComponent(leadId)}`, { method: 'PATCH', body: { status } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: leadKeys.detail(leadId) });
      void client.invalidateQueries({ queryKey: lead360Keys.timeline(leadId) });
      void client.invalidateQueries({ queryKey: ['leads', 'list'] });
    },
  });
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Link
      to="/leads"
      className="mb-4 inline-flex items-center gap-1 text-sm text-slate-600 hover:text-indigo-700"
    >
      <ChevronLeftIcon aria-hidden="true" size={16} />
      {t('lead360.back')}
    </Link>
  );
}

/** Lead 360: the lead's fields, its history and the ad it came from, on one page. */
export function Lead360Page() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormatters();
  const lead = useLead(id);
  const updateStatus = useUpdateStatus(id);

  if (lead.isPending) {
    return (
      <div>
        <BackLink />
        <div className="card space-y-3 p-5" role="status">
          <span className="sr-only">{t('common.loading')}</span>
          <SkeletonBlock className="h-6 w-1/3" />
          <SkeletonBlock className="h-4 w-1/2" />
          <SkeletonBlock className="h-24 w-full" />
        </div>
      </div>
    );
  }
  if (lead.isError) {
    return (
      <div>
        <BackLink />
        <div className="card">
          {isApiError(lead.error) && lead.error.status === 404 ? (
            <EmptyState title={t('lead360.notFound.title')} description={t('lead360.notFound.description')} />
          ) : (
            <ErrorState error={lead.error} onRetry={() => void lead.refetch()} />
          )}
        </div>
      </div>
    );
  }

  const data = lead.data;
  return (
    <div>
      <BackLink />
      <header className="card mb-4 p-5" data-testid="lead-360-header">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <h1 className="truncate text-2xl font-semibold tracking-tight text-slate-900">{data.name}</h1>
            <p className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-600">
              <span className="tabular-nums">{data.phone ?? t('lead360.noPhone')}</span>
              <span className="break-all">{data.email ?? t('lead360.noEmail')}</span>
              <span>
                {t('lead360.seller', { name: data.assignedUserName ?? t('leadDetail.unassigned') })}
              </span>
            </p>
            {data.tags.length > 0 || data.optedOut ? (
              <div className="mt-2 flex flex-wrap gap-1.5">
                {data.tags.map((tag) => (
                  <Badge key={tag}>{tag}</Badge>
                ))}
                {data.optedOut ? <Badge tone="danger">{t('leadDetail.optedOut')}</Badge> : null}
              </div>
            ) : null}
          </div>
          <div className="flex shrink-0 flex-col items-start gap-2 sm:items-end">
            <LeadStatusBadge status={data.status} />
            <label className="text-xs text-slate-500">
              <span className="sr-only">{t('lead360.changeStatus')}</span>
              <select
                aria-label={t('lead360.changeStatus')}
                className="input text-sm"
                value={data.status}
                disabled={updateStatus.isPending}
                onChange={(event) => updateStatus.mutate(event.target.value as LeadStatus)}
              >
                {LEAD_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {t(`leadStatus.${status}`)}
                  </option>
                ))}
              </select>
            </label>
            {updateStatus.isError ? (
              <p role="alert" className="text-xs text-rose-700">
                {t('lead360.statusError')}
              </p>
            ) : null}
          </div>
        </div>
      </header>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_360px]">
        <section className="card" aria-labelledby="timeline-title">
          <h2
            id="timeline-title"
            className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900"
          >
            {t('lead360.timeline.title')}
          </h2>
          <LeadTimeline leadId={data.id} />
        </section>
        <div className="space-y-4">
          <AdContextCard lead={data} />
          <OptOutCard lead={data} />
          <section className="card p-5" aria-labelledby="lead-fields-title">
            <h2 id="lead-fields-title" className="mb-3 text-sm font-semibold text-slate-900">
              {t('lead360.fields')}
            </h2>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-2 text-sm">
              <dt className="text-slate-500">{t('leads.columns.source')}</dt>
              <dd className="text-slate-900">{t(`leadSource.${data.leadSource}`)}</dd>
              <dt className="text-slate-500">{t('leads.columns.createdAt')}</dt>
              <dd className="text-slate-900">{format.dateTime(data.createdAt)}</dd>
              <dt className="text-slate-500">{t('leadDetail.opportunities')}</dt>
              <dd className="text-slate-900">{format.integer(data.opportunities.length)}</dd>
              <dt className="text-slate-500">{t('leadDetail.sales')}</dt>
              <dd className="text-slate-900">{format.integer(data.sales.length)}</dd>
            </dl>
            {data.notes ? (
              <p className="mt-3 whitespace-pre-line text-sm text-slate-700">{data.notes}</p>
            ) : null}
          </section>
        </div>
      </div>
    </div>
  );
}
