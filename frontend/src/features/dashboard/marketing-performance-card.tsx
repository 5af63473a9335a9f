import type { FunnelMetrics, StatsReport } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/error-state';
import { ArrowRightIcon } from '../../components/icons';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useStatsReport, useTokenStatus } from '../marketing/marketing-api';

const LAST_30_DAYS = { preset: 'last_30d' } as const;

/**
 * The Marketing Hub's last 30 days on the dashboard: spend, Meta leads, cost per lead, revenue and ROI, linking to the
 * Hub. Shown only to roles that may see marketing (the caller checks); without a usable Meta connection it says
 * how to get one instead of showing zeros.
 */
export function MarketingPerformanceCard() {
  const { t } = useTranslation();
  const status = useTokenStatus();
  const ready = status.data?.state === 'connected' && status.data.setupComplete;
  const stats = useStatsReport(LAST_30_DAYS, ready === true);

  return (
    <section aria-labelledby="marketing-performance" className="card p-4" data-testid="marketing-performance">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="marketing-performance" className="text-base font-semibold text-slate-900">
          {t('dashboard.marketing.title')}
        </h2>
        <Link
          to="/marketing"
          className="inline-flex items-center gap-1 text-sm font-semibold text-indigo-700 hover:underline"
        >
          {t('dashboard.marketing.open')}
          <ArrowRightIcon aria-hidden="true" size={14} />
        </Link>
      </div>
      {status.isError ? (
        <ErrorState error={status.error} onRetry={() => void status.refetch()} />
      ) : !status.data ? (
        <CardSkeleton />
      ) : !ready ? (
        <p className="text-sm text-slate-600" data-testid="marketing-performance-setup">
          {status.data.state === 'expired' || status.data.state === 'revoked'
            ? t('dashboard.marketing.reconnect')
            : status.data.state === 'connected'
              ? t('dashboard.marketing.finishSetup')
              : t('dashboard.marketing.connect')}
        </p>
      ) : stats.isError ? (
        <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
      ) : !stats.data ? (
        <CardSkeleton />
      ) : (
        <Numbers report={stats.data} />
      )}
    </section>
  );
}

function Numbers({ report }: { report: StatsReport }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const totals: FunnelMetrics = report.totals;
  const money = (value: number | null) => (value === null ? '—' : format.money(value, report.currency));
  const items = [
    { key: 'spend', label: t('dashboard.marketing.spend'), value: money(totals.spend) },
    { key: 'leads', label: t('dashboard.marketing.leads'), value: format.integer(totals.leads) },
    {
      key: 'cpl',
      label: t('dashboard.marketing.costPerLead'),
      value: money(totals.costPerLead),
      hint: t('dashboard.marketing.costPerLeadHint'),
    },
    { key: 'revenue', label: t('dashboard.marketing.revenue'), value: money(totals.revenue) },
    {
      key: 'roi',
      label: t('dashboard.marketing.roi'),
      value: totals.roiPercent === null ? '—' : format.percent(totals.roiPercent),
      hint: t('dashboard.marketing.roiHint'),
    },
  ];
  return (
    <>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        {items.map((item) => (
          <div key={item.key} data-testid={`marketing-performance-${item.key}`} title={item.hint}>
            <dt className="text-xs font-medium text-slate-500">{item.label}</dt>
            <dd className="mt-1 text-lg font-semibold tabular-nums text-slate-900">{item.value}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-slate-500">
        {t('dashboard.marketing.range', {
          since: format.isoDate(report.range.since),
          until: format.isoDate(report.range.until),
        })}
        {` · ${t('dashboard.marketing.view')}`}
        {report.stale || report.snapshotAt ? ` · ${t('dashboard.marketing.stale')}` : ''}
        {report.currencyMismatch ? ` · ${t('dashboard.marketing.currencyMismatch')}` : ''}
      </p>
    </>
  );
}

function CardSkeleton() {
  const { t } = useTranslation();
  return (
    <div role="status" aria-live="polite" className="grid grid-cols-2 gap-3 sm:grid-cols-5">
      <span className="sr-only">{t('common.loading')}</span>
      {[0, 1, 2, 3, 4].map((key) => (
        <SkeletonBlock key={key} className="h-12" />
      ))}
    </div>
  );
}
