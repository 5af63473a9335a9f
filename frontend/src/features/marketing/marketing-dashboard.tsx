import type { ReportView } from '@crm/contracts/browser';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { DownloadIcon } from '../../components/icons';
import { Notice } from '../../components/notice';
import { SkeletonBlock, SkeletonTable } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { CampaignTable } from './campaign-table';
import { FxRatesSection, type FxRatesHandle } from './fx-rates-section';
import { KpiCards } from './kpi-cards';
import { reportCsvHref, useMarketingReport } from './marketing-api';
import { MarketingCharts } from './marketing-charts';
import { MetaErrorNotice } from './meta-error-notice';
import { RangeSelector } from './range-selector';
import { ReportNotices } from './report-notices';
import { initialRange, rangeProblem, readReportView, toReportQuery, type RangeState } from './report-range';
import { ViewCaption, ViewSwitch } from './view-switch';

/**
 * The Marketing Hub's report for a date range and a view (`?view=`, period by default): KPIs, charts and campaigns
 * → ads, all from one request; then the exchange rates its sales in other currencies need. Shown once Meta is
 * connected and set up.
 */
export function MarketingDashboard() {
  const { t } = useTranslation();
  const format = useFormatters();
  const [params, setParams] = useSearchParams();
  const view = readReportView(params.get('view'));
  const [range, setRange] = useState<RangeState>(() => initialRange());
  const fxRates = useRef<FxRatesHandle>(null);
  const valid = rangeProblem(range) === null;
  const query = toReportQuery(range);
  const result = useMarketingReport(query, view, valid);
  const report = result.data;
  const dimmed = result.isPlaceholderData ? 'opacity-60 transition-opacity' : '';

  const setView = (next: ReportView) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        updated.set('view', next);
        return updated;
      },
      { replace: true },
    );

  return (
    <>
      <section aria-labelledby="marketing-dashboard-title" className="space-y-5">
        <div className="space-y-4">
          <div className="min-w-0">
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
          {/* Period, view and the export in one row; the export at its right end (below them on a phone). */}
          <div data-testid="report-controls" className="flex flex-wrap items-start gap-x-4 gap-y-3">
            <RangeSelector value={range} onChange={setRange} />
            <ViewSwitch value={view} onChange={setView} />
            {valid ? (
              // Level with the selects: below their label line (1.25 rem + 0.25 rem gap), as tall as they are.
              <div className="w-full sm:ml-auto sm:w-auto sm:pt-6">
                <a
                  href={reportCsvHref(query, view)}
                  download
                  data-testid="export-csv"
                  className="btn-secondary w-full py-2 sm:w-auto"
                >
                  <DownloadIcon aria-hidden="true" size={16} />
                  {t('marketing.export')}
                </a>
              </div>
            ) : null}
          </div>
        </div>

        {report?.stale ? (
          <Notice tone="info" testId="stale-warning" title={t('marketing.dashboard.staleTitle')}>
            {t('marketing.dashboard.stale')}
            {report.snapshotAt ? (
              <span data-testid="stale-snapshot-at" className="mt-1 block text-xs">
                {t('marketing.dashboard.snapshotAt', { date: format.dateTime(report.snapshotAt) })}
              </span>
            ) : null}
          </Notice>
        ) : null}
        {report && !result.isError ? (
          <ReportNotices report={report} onEnterRates={() => fxRates.current?.reveal()} />
        ) : null}

        {!valid ? (
          <p className="card px-4 py-6 text-sm text-slate-500">{t('marketing.range.chooseDates')}</p>
        ) : result.isPending ? (
          <div role="status" className="space-y-4">
            <span className="sr-only">{t('common.loading')}</span>
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
              {Array.from({ length: 10 }, (_, index) => (
                <SkeletonBlock key={index} className="h-24" />
              ))}
            </div>
            <SkeletonBlock className="h-64" />
            <div className="card overflow-hidden">
              <SkeletonTable columns={7} rows={4} />
            </div>
          </div>
        ) : result.isError ? (
          <MetaErrorNotice error={result.error} onRetry={() => void result.refetch()} />
        ) : report ? (
          <div aria-busy={result.isFetching} className={`space-y-5 ${dimmed}`}>
            <section aria-labelledby="marketing-kpis-title" className="space-y-2">
              <div className="flex flex-wrap items-center gap-2">
                <h3 id="marketing-kpis-title" className="text-sm font-semibold text-slate-900">
                  {t('marketing.kpi.title')}
                </h3>
                <ViewCaption view={report.view} testId="kpis-view" />
              </div>
              <KpiCards report={report} />
            </section>

            <MarketingCharts report={report} />

            <section aria-labelledby="marketing-campaigns-title" className="card overflow-hidden">
              <div className="border-b border-slate-200 px-4 py-3">
                <div className="flex flex-wrap items-center gap-2">
                  <h3 id="marketing-campaigns-title" className="text-sm font-semibold text-slate-900">
                    {t('marketing.campaigns.title')}
                  </h3>
                  <ViewCaption view={report.view} testId="campaigns-view" />
                </div>
                <p className="text-xs text-slate-500">{t('marketing.campaigns.description')}</p>
              </div>
              <CampaignTable report={report} />
            </section>
          </div>
        ) : null}
      </section>
      {/* Only with the report: its sales say whether some lack a rate (then the section starts open). */}
      <FxRatesSection
        salesLackRates={report?.revenueByCurrency.some((row) => row.unconvertedSales > 0) ?? false}
        ref={fxRates}
      />
    </>
  );
}
