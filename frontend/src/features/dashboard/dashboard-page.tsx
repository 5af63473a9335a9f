import type { CrmDashboard, MoneyTotal } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { ArrowRightIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters, type Formatters } from '../../lib/format';
import { useCurrentUser } from '../auth/guards';
import { canUse } from '../auth/session';
import { useDashboard } from './dashboard-api';
import { HorizontalBars } from './dashboard-charts';
import { MarketingPerformanceCard } from './marketing-performance-card';

export function DashboardPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const dashboard = useDashboard();

  return (
    <div>
      <PageHeader title={t('dashboard.title')} description={t('dashboard.greeting', { name: user.name })} />

      {dashboard.isError ? (
        <div className="card">
          <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />
        </div>
      ) : dashboard.data ? (
        isEmpty(dashboard.data) ? (
          <div className="card">
            <EmptyState
              title={t('dashboard.empty.title')}
              description={t('dashboard.empty.description')}
              action={
                <Link to="/leads" className="text-sm font-semibold text-indigo-700 hover:underline">
                  {t('dashboard.empty.action')}
                </Link>
              }
            />
          </div>
        ) : (
          <DashboardNumbers data={dashboard.data} />
        )
      ) : (
        <DashboardSkeleton />
      )}

      {canUse('marketing', user.role) ? (
        <div className="mt-6">
          <MarketingPerformanceCard />
        </div>
      ) : null}

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

/** Nothing to show yet: no lead in 30 days, no opportunity, no sale in either month. */
function isEmpty(data: CrmDashboard): boolean {
  return (
    data.leads.total === 0 &&
    data.pipeline.every((status) => status.count === 0) &&
    data.revenue.thisMonth.sales === 0 &&
    data.revenue.lastMonth.sales === 0
  );
}

function DashboardSkeleton() {
  const { t } = useTranslation();
  return (
    <div role="status" aria-live="polite" data-testid="dashboard-loading" className="space-y-4">
      <span className="sr-only">{t('common.loading')}</span>
      <div className="grid gap-3 sm:grid-cols-3">
        {[0, 1, 2].map((key) => (
          <div key={key} className="card p-4">
            <SkeletonBlock className="h-3 w-24" />
            <SkeletonBlock className="mt-3 h-7 w-32" />
          </div>
        ))}
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <SkeletonBlock className="h-56" />
        <SkeletonBlock className="h-56" />
      </div>
    </div>
  );
}

/** Currencies of either month, this month's largest first. */
function revenueRows(data: CrmDashboard): { currency: string; current: number; previous: number }[] {
  const amount = (totals: MoneyTotal[], currency: string) =>
    totals.find((total) => total.currency === currency)?.value ?? 0;
  const { thisMonth, lastMonth } = data.revenue;
  const currencies = [...new Set([...thisMonth.totals, ...lastMonth.totals].map((total) => total.currency))];
  return currencies.map((currency) => ({
    currency,
    current: amount(thisMonth.totals, currency),
    previous: amount(lastMonth.totals, currency),
  }));
}

function DashboardNumbers({ data }: { data: CrmDashboard }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const revenue = revenueRows(data);
  const pending = data.pipeline.find((status) => status.status === 'pending');

  return (
    <div className="space-y-6">
      {data.scope === 'own' ? <p className="text-sm text-slate-500">{t('dashboard.ownScope')}</p> : null}
      <ul className="grid gap-3 sm:grid-cols-3">
        <li className="card p-4" data-testid="dashboard-revenue">
          <p className="text-xs font-medium text-slate-500">{t('dashboard.kpi.revenueThisMonth')}</p>
          {revenue.length === 0 ? (
            <p className="mt-2 text-2xl font-semibold tabular-nums text-slate-900">
              {t('dashboard.kpi.noSales')}
            </p>
          ) : (
            revenue.map((row) => (
              <div key={row.currency} className="mt-2">
                <p className="text-2xl font-semibold tabular-nums text-slate-900">
                  {format.money(row.current, row.currency)}
                </p>
                <p className="text-xs text-slate-500">
                  <Change current={row.current} previous={row.previous} format={format} />{' '}
                  {t('dashboard.kpi.vsLastMonth', { amount: format.money(row.previous, row.currency) })}
                </p>
              </div>
            ))
          )}
        </li>
        <li className="card p-4" data-testid="dashboard-open-pipeline">
          <p className="text-xs font-medium text-slate-500">{t('dashboard.kpi.openPipeline')}</p>
          <p className="mt-2 text-2xl font-semibold tabular-nums text-slate-900">
            {format.integer(pending?.count ?? 0)}
          </p>
          <MoneyTotals totals={pending?.totals ?? []} format={format} />
        </li>
        <li className="card p-4" data-testid="dashboard-leads-total">
          <p className="text-xs font-medium text-slate-500">{t('dashboard.kpi.leads30')}</p>
          <p className="mt-2 text-2xl font-semibold tabular-nums text-slate-900">
            {format.integer(data.leads.total)}
          </p>
        </li>
      </ul>

      <div className="grid gap-4 lg:grid-cols-2">
        <section aria-labelledby="dashboard-sources" className="card p-4">
          <h2 id="dashboard-sources" className="text-base font-semibold text-slate-900">
            {t('dashboard.leadsBySource')}
          </h2>
          {data.leads.bySource.length === 0 ? (
            <p className="mt-3 text-sm text-slate-500">{t('dashboard.noLeads')}</p>
          ) : (
            <>
              <HorizontalBars
                color="#6366f1"
                format={format.integer}
                bars={data.leads.bySource.map((row) => ({
                  key: row.source,
                  label: t(`leadSource.${row.source}`),
                  value: row.count,
                }))}
              />
              <ul
                className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm"
                data-testid="dashboard-sources-list"
              >
                {data.leads.bySource.map((row) => (
                  <li key={row.source} className="flex justify-between">
                    <span className="text-slate-600">{t(`leadSource.${row.source}`)}</span>
                    <span className="font-semibold tabular-nums text-slate-900">
                      {format.integer(row.count)}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>

        <section aria-labelledby="dashboard-pipeline" className="card p-4">
          <h2 id="dashboard-pipeline" className="text-base font-semibold text-slate-900">
            {t('dashboard.pipeline')}
          </h2>
          <HorizontalBars
            color="#0ea5e9"
            format={format.integer}
            bars={data.pipeline.map((row) => ({
              key: row.status,
              label: t(`opportunityStatus.${row.status}`),
              value: row.count,
            }))}
          />
          <ul className="mt-2 space-y-1 text-sm">
            {data.pipeline.map((row) => (
              <li
                key={row.status}
                data-testid={`dashboard-status-${row.status}`}
                className="flex justify-between gap-4"
              >
                <span className="text-slate-600">
                  {t(`opportunityStatus.${row.status}`)} · {format.integer(row.count)}
                </span>
                <MoneyTotals totals={row.totals} format={format} inline />
              </li>
            ))}
          </ul>
        </section>
      </div>

      <section aria-labelledby="dashboard-sellers" className="card p-4">
        <h2 id="dashboard-sellers" className="text-base font-semibold text-slate-900">
          {t('dashboard.leadsBySeller')}
        </h2>
        {data.leads.bySeller.length === 0 ? (
          <p className="mt-3 text-sm text-slate-500">{t('dashboard.noLeads')}</p>
        ) : (
          <ul className="mt-3 space-y-2 text-sm">
            {data.leads.bySeller.map((row) => (
              <li
                key={row.userId ?? 'unassigned'}
                className="grid grid-cols-[10rem_1fr_3rem] items-center gap-3"
              >
                <span className="truncate text-slate-700">{row.name ?? t('dashboard.unassigned')}</span>
                <span aria-hidden="true" className="h-2 rounded bg-slate-100">
                  <span
                    className="block h-2 rounded bg-indigo-500"
                    style={{ width: `${(100 * row.count) / Math.max(1, data.leads.total)}%` }}
                  />
                </span>
                <span className="text-right font-semibold tabular-nums text-slate-900">
                  {format.integer(row.count)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** This month against last month: `+25%`, `−10%`, or "new" when last month had nothing. */
function Change({ current, previous, format }: { current: number; previous: number; format: Formatters }) {
  const { t } = useTranslation();
  if (previous === 0) {
    return <span className="font-medium text-slate-700">{current > 0 ? t('dashboard.kpi.new') : '—'}</span>;
  }
  const change = ((current - previous) / previous) * 100;
  const tone = change > 0 ? 'text-emerald-700' : change < 0 ? 'text-rose-700' : 'text-slate-700';
  return (
    <span className={`font-medium ${tone}`} data-testid="dashboard-revenue-change">
      {change > 0 ? '+' : ''}
      {format.percent(change)}
    </span>
  );
}

function MoneyTotals({
  totals,
  format,
  inline = false,
}: {
  totals: MoneyTotal[];
  format: Formatters;
  inline?: boolean;
}) {
  if (totals.length === 0) return inline ? <span className="text-slate-400">—</span> : null;
  return (
    <span className={inline ? 'text-right tabular-nums text-slate-900' : 'mt-1 block text-xs text-slate-500'}>
      {totals.map((total) => format.money(total.value, total.currency)).join(' · ')}
    </span>
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
