import type { StatsReport } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../lib/format';

type KpiCardProps = { testId: string; label: string; value: number | null; display: string; hint?: string };

function KpiCard({ testId, label, value, display, hint }: KpiCardProps) {
  return (
    <div data-testid={testId} data-value={value === null ? '' : String(value)} className="card p-4">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p
        className="mt-2 truncate text-xl font-semibold xl:text-2xl tabular-nums text-slate-900"
        title={display}
      >
        {display}
      </p>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** Currency to show revenue in: the sales' own currency when there is exactly one, else the ad account's. */
export function revenueCurrency(report: Pick<StatsReport, 'currency' | 'salesCurrencies'>): string {
  return report.salesCurrencies.length === 1 && report.salesCurrencies[0]
    ? report.salesCurrencies[0]
    : report.currency;
}

export function KpiCards({ report }: { report: StatsReport }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { totals, currency } = report;
  const dash = t('common.none');

  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-6">
      <KpiCard
        testId="kpi-spend"
        label={t('marketing.kpi.spend')}
        value={totals.spend}
        display={format.money(totals.spend, currency)}
      />
      <KpiCard
        testId="kpi-leads"
        label={t('marketing.kpi.leads')}
        value={totals.leads}
        display={format.integer(totals.leads)}
      />
      <KpiCard
        testId="kpi-cpl"
        label={t('marketing.kpi.cpl')}
        value={totals.costPerLead}
        display={totals.costPerLead === null ? dash : format.money(totals.costPerLead, currency)}
      />
      <KpiCard
        testId="kpi-opportunities"
        label={t('marketing.kpi.opportunities')}
        value={totals.opportunities}
        display={format.integer(totals.opportunities)}
      />
      <KpiCard
        testId="kpi-revenue"
        label={t('marketing.kpi.revenue')}
        value={totals.revenue}
        display={format.money(totals.revenue, revenueCurrency(report))}
        hint={t('marketing.kpi.salesCount', { count: totals.sales })}
      />
      <KpiCard
        testId="kpi-roi"
        label={t('marketing.kpi.roi')}
        value={totals.roiPercent}
        display={totals.roiPercent === null ? dash : format.percent(totals.roiPercent)}
        hint={totals.roiPercent === null ? t('marketing.kpi.roiUndefined') : undefined}
      />
    </div>
  );
}
