import type { MarketingReport, ReportMetrics } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { InfoTooltip } from '../../components/info-tooltip';
import { useFormatters } from '../../lib/format';

/** The KPIs in the order the cards show them; the key names the label, the formula and the test id. */
const KPIS = [
  'spend',
  'leads',
  'opportunities',
  'sales',
  'revenue',
  'cpl',
  'costPerOpportunity',
  'costPerSale',
  'roas',
  'roi',
] as const;
export type Kpi = (typeof KPIS)[number];

const TEST_IDS: Record<Kpi, string> = {
  spend: 'kpi-spend',
  leads: 'kpi-leads',
  opportunities: 'kpi-opportunities',
  sales: 'kpi-sales',
  revenue: 'kpi-revenue',
  cpl: 'kpi-cpl',
  costPerOpportunity: 'kpi-cost-per-opportunity',
  costPerSale: 'kpi-cost-per-sale',
  roas: 'kpi-roas',
  roi: 'kpi-roi',
};

type Shown = { value: number | null; display: string };

/** A KPI's raw value and how it reads: money in the report's currency, counts, ×, %; "—" when undefined. */
export function useMetricText(): (metrics: ReportMetrics, kpi: Kpi, currency: string) => Shown {
  const { t } = useTranslation();
  const format = useFormatters();
  const dash = t('common.none');
  return (metrics, kpi, currency) => {
    const money = (value: number | null): Shown => ({
      value,
      display: value === null ? dash : format.money(value, currency),
    });
    const count = (value: number): Shown => ({ value, display: format.integer(value) });
    switch (kpi) {
      case 'spend':
        return money(metrics.spend);
      case 'leads':
        return count(metrics.leads);
      case 'opportunities':
        return count(metrics.opportunities);
      case 'sales':
        return count(metrics.sales);
      case 'revenue':
        return money(metrics.revenue);
      case 'cpl':
        return money(metrics.costPerLead);
      case 'costPerOpportunity':
        return money(metrics.costPerOpportunity);
      case 'costPerSale':
        return money(metrics.costPerSale);
      case 'roas':
        return {
          value: metrics.roas,
          display:
            metrics.roas === null
              ? dash
              : t('marketing.kpi.roasValue', { value: format.number(metrics.roas, 2) }),
        };
      case 'roi':
        return {
          value: metrics.roiPercent,
          display: metrics.roiPercent === null ? dash : format.percent(metrics.roiPercent),
        };
    }
  };
}

/** The report's ten KPIs, each with its formula one keyboard focus away; "—" for a ratio with nothing to divide by. */
export function KpiCards({ report }: { report: MarketingReport }) {
  const { t } = useTranslation();
  const metricText = useMetricText();
  const { kpis, currency } = report;

  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {KPIS.map((kpi) => {
        const label = t(`marketing.kpi.${kpi}`);
        const { value, display } = metricText(kpis, kpi, currency);
        const hint =
          kpi === 'sales' && kpis.refunds > 0
            ? t('marketing.kpi.refundsCount', { count: kpis.refunds })
            : value === null
              ? kpi === 'roi' || kpi === 'roas'
                ? t('marketing.kpi.roiUndefined')
                : t('marketing.kpi.noBase')
              : undefined;
        return (
          <li
            key={kpi}
            data-testid={TEST_IDS[kpi]}
            data-value={value === null ? '' : String(value)}
            className="card min-w-0 p-3 sm:p-4"
          >
            <div className="flex items-start justify-between gap-1">
              <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
              <InfoTooltip
                label={t('marketing.kpi.formulaLabel', { name: label })}
                text={t(`marketing.kpi.formulas.${kpi}`, { currency })}
                testId={`${TEST_IDS[kpi]}-formula`}
              />
            </div>
            <p
              className="mt-2 truncate text-lg font-semibold text-slate-900 tabular-nums xl:text-xl"
              title={display}
            >
              {display}
            </p>
            {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
          </li>
        );
      })}
    </ul>
  );
}
