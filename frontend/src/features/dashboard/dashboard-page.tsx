import { LEAD_STATUSES, type LeadStatus } from '@crm/contracts/browser';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/error-state';
import { ArrowRightIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useCurrentUser } from '../auth/guards';
import { canUse } from '../auth/session';
import { fetchLeads, leadKeys, type LeadFilters } from '../leads/leads-api';

type StatusCount = { status: LeadStatus | 'all'; filters: LeadFilters };

const COUNTS: readonly StatusCount[] = [
  { status: 'all', filters: { page: 1, pageSize: 1 } },
  ...LEAD_STATUSES.map((status) => ({ status, filters: { page: 1, pageSize: 1, status } })),
];

/** Lead totals per pipeline status: one single-row page per status, reading its `total`. */
function useLeadCounts() {
  return useQueries({
    queries: COUNTS.map((count) => ({
      queryKey: leadKeys.list(count.filters),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchLeads(count.filters, signal),
    })),
  });
}

export function DashboardPage() {
  const { t } = useTranslation();
  const format = useFormatters();
  const user = useCurrentUser();
  const counts = useLeadCounts();
  const failed = counts.find((query) => query.isError);
  const [totalQuery, ...statusQueries] = counts;

  return (
    <div>
      <PageHeader title={t('dashboard.title')} description={t('dashboard.greeting', { name: user.name })} />

      {failed ? (
        <div className="card">
          <ErrorState error={failed.error} onRetry={() => counts.forEach((query) => void query.refetch())} />
        </div>
      ) : (
        <section aria-labelledby="dashboard-pipeline" className="space-y-4">
          <div className="flex items-baseline justify-between">
            <h2 id="dashboard-pipeline" className="text-base font-semibold text-slate-900">
              {t('dashboard.pipeline')}
            </h2>
            <p className="text-sm text-slate-500">
              {t('dashboard.totalLeads')}{' '}
              <span
                data-testid="dashboard-total"
                data-value={totalQuery?.data?.total ?? ''}
                className="font-semibold text-slate-900"
              >
                {totalQuery?.data ? format.integer(totalQuery.data.total) : '…'}
              </span>
            </p>
          </div>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-7">
            {LEAD_STATUSES.map((status, index) => {
              const query = statusQueries[index];
              return (
                <li key={status}>
                  <Link
                    to={`/leads?status=${status}`}
                    data-testid={`dashboard-status-${status}`}
                    data-value={query?.data?.total ?? ''}
                    className="card flex h-full flex-col justify-between p-4 transition-shadow hover:shadow-md focus-visible:ring-2 focus-visible:ring-indigo-300 focus-visible:outline-none"
                  >
                    <p className="text-xs font-medium text-slate-500">{t(`leadStatus.${status}`)}</p>
                    {query?.data ? (
                      <p className="mt-2 text-2xl font-semibold tabular-nums text-slate-900">
                        {format.integer(query.data.total)}
                      </p>
                    ) : (
                      <SkeletonBlock className="mt-3 h-6 w-12" />
                    )}
                  </Link>
                </li>
              );
            })}
          </ul>
        </section>
      )}

      <section aria-labelledby="dashboard-shortcuts" className="mt-8">
        <h2 id="dashboard-shortcuts" className="mb-3 text-base font-semibold text-slate-900">
          {t('dashboard.shortcuts')}
        </h2>
        <ul className="grid gap-3 sm:grid-cols-3">
          <li>
            <QuickLink to="/leads" title={t('nav.leads')} description={t('dashboard.links.leads')} />
          </li>
          {canUse('marketing', user.role) ? (
            <li>
              <QuickLink
                to="/marketing"
                title={t('nav.marketing')}
                description={t('dashboard.links.marketing')}
              />
            </li>
          ) : null}
          {canUse('automation', user.role) ? (
            <li>
              <QuickLink
                to="/automation"
                title={t('nav.automation')}
                description={t('dashboard.links.automation')}
              />
            </li>
          ) : null}
        </ul>
      </section>
    </div>
  );
}

function QuickLink({ to, title, description }: { to: string; title: string; description: string }) {
  return (
    <Link
      to={to}
      className="card block h-full p-4 transition-shadow hover:shadow-md focus-visible:ring-2 focus-visible:ring-indigo-300 focus-visible:outline-none"
    >
      <p className="flex items-center gap-1 font-semibold text-indigo-700">
        {title}
        <ArrowRightIcon aria-hidden="true" size={16} />
      </p>
      <p className="mt-1 text-sm text-slate-500">{description}</p>
    </Link>
  );
}
