import type { AutomationMetrics } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../lib/format';

type MetricKey = keyof Pick<
  AutomationMetrics,
  'scheduled' | 'sent' | 'delivered' | 'read' | 'replied' | 'failed' | 'skipped'
>;
type RateKey = keyof Pick<AutomationMetrics, 'deliveryRate' | 'readRate' | 'replyRate'>;

const METRICS: readonly { key: MetricKey; rate?: RateKey; tone: string }[] = [
  { key: 'scheduled', tone: 'text-sky-700' },
  { key: 'sent', tone: 'text-indigo-700' },
  { key: 'delivered', rate: 'deliveryRate', tone: 'text-emerald-700' },
  { key: 'read', rate: 'readRate', tone: 'text-emerald-700' },
  { key: 'replied', rate: 'replyRate', tone: 'text-emerald-700' },
  { key: 'failed', tone: 'text-rose-700' },
  { key: 'skipped', tone: 'text-slate-700' },
];

/** The rule's whole send funnel (all time), with delivery/read/reply rates over what was sent. */
export function AutomationMetricsPanel({ metrics }: { metrics: AutomationMetrics }) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <section
      aria-labelledby="automation-metrics-title"
      data-testid="automation-metrics"
      className="border-b border-slate-200 px-4 py-3"
    >
      <h3 id="automation-metrics-title" className="text-xs font-medium text-slate-500">
        {t('automation.metrics.title')}
      </h3>
      <dl className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-7">
        {METRICS.map(({ key, rate, tone }) => {
          const rateValue = rate ? metrics[rate] : null;
          return (
            <div
              key={key}
              data-testid={`automation-metric-${key}`}
              data-value={metrics[key]}
              className="rounded-md bg-slate-50 px-2 py-1.5"
            >
              <dt className="truncate text-[11px] text-slate-500">{t(`automation.metrics.${key}`)}</dt>
              <dd className={`text-lg font-semibold tabular-nums ${tone}`}>
                {format.integer(metrics[key])}
                {rate ? (
                  <span
                    data-testid={`automation-metric-${rate}`}
                    data-value={rateValue === null ? '' : String(rateValue)}
                    className="ml-1 text-xs font-normal text-slate-500"
                  >
                    {rateValue === null ? t('common.none') : format.percent(rateValue * 100)}
                  </span>
                ) : null}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
