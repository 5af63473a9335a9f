import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../components/notice';
import { SkeletonBlock, SkeletonTable } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { CampaignTable } from './campaign-table';
import { KpiCards } from './kpi-cards';
import { useRoiReport, useStatsReport } from './marketing-api';
import { MetaErrorNotice } from './meta-error-notice';
import { RangeSelector } from './range-selector';
import { initialRange, rangeProblem, toReportQuery, type RangeState } from './report-range';

/** KPIs and the campaign ROI table for a date range (shown once Meta is connected and set up). */
export function MarketingDashboard() {
  const { t } = useTranslation();
  const format = useFormatters();
  const [range, setRange] = useState<RangeState>(() => initialRange());
  const valid = rangeProblem(range) === null;
  const query = toReportQuery(range);
  const stats = useStatsReport(query, valid);
  const roi = useRoiReport(query, valid);
  const report = stats.data;

  return (
    <section aria-labelledby="marketing-dashboard-title" className="space-y-5">
      <div className="flex flex-col gap-4 lg:flex-row lg:items-end lg:justify-between">
        <div>
          <h2 id="marketing-dashboard-title" className="text-lg font-semibold text-slate-900">
            {t('marketing.dashboard.title')}
          </h2>
          {report ? (
            <p className="mt-1 text-sm text-slate-500">
              {t('marketing.dashboard.rangeSummary', {
                since: format.isoDate(report.range.since),
                until: format.isoDate(report.range.until),
                timezone: report.range.timezone,
              })}{' '}
              · {t('marketing.dashboard.currency')}{' '}
              <span data-testid="report-currency" className="font-medium text-slate-700">
                {report.currency}
              </span>
            </p>
          ) : null}
        </div>
        <RangeSelector value={range} onChange={setRange} />
      </div>

      {report?.currencyMismatch ? (
        <Notice
          tone="warning"
          testId="currency-mismatch-warning"
          title={t('marketing.dashboard.currencyMismatchTitle')}
        >
          {t('marketing.dashboard.currencyMismatch', {
            currency: report.currency,
            salesCurrencies: report.salesCurrencies.join(', '),
          })}
        </Notice>
      ) : null}
      {report?.stale || roi.data?.stale ? (
        <Notice tone="info" testId="stale-warning" title={t('marketing.dashboard.staleTitle')}>
          {t('marketing.dashboard.stale')}
          {report?.snapshotAt ? (
            <span data-testid="stale-snapshot-at" className="mt-1 block text-xs">
              {t('marketing.dashboard.snapshotAt', { date: format.dateTime(report.snapshotAt) })}
            </span>
          ) : null}
        </Notice>
      ) : null}

      {!valid ? null : stats.isPending ? (
        <div role="status" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-6">
          <span className="sr-only">{t('common.loading')}</span>
          {Array.from({ length: 6 }, (_, index) => (
            <SkeletonBlock key={index} className="h-24" />
          ))}
        </div>
      ) : stats.isError ? (
        <MetaErrorNotice error={stats.error} onRetry={() => void stats.refetch()} />
      ) : report ? (
        <div
          aria-busy={stats.isFetching}
          className={stats.isPlaceholderData ? 'opacity-60 transition-opacity' : ''}
        >
          <KpiCards report={report} />
        </div>
      ) : null}

      <div className="card overflow-hidden">
        <div className="border-b border-slate-200 px-4 py-3">
          <h3 className="text-sm font-semibold text-slate-900">{t('marketing.campaigns.title')}</h3>
          <p className="text-xs text-slate-500">{t('marketing.campaigns.description')}</p>
        </div>
        {!valid ? (
          <p className="px-4 py-6 text-sm text-slate-500">{t('marketing.range.chooseDates')}</p>
        ) : roi.isPending ? (
          <SkeletonTable columns={7} rows={4} />
        ) : roi.isError ? (
          <div className="p-4">
            <MetaErrorNotice error={roi.error} onRetry={() => void roi.refetch()} />
          </div>
        ) : roi.data ? (
          <div className={roi.isPlaceholderData ? 'opacity-60 transition-opacity' : ''}>
            <CampaignTable report={roi.data} />
          </div>
        ) : null}
      </div>
    </section>
  );
}
