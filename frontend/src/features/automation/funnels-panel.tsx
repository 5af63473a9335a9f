import type { AutomationFunnel, AutomationRuleView, RateCount } from '@crm/contracts/browser';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { TableContainer } from '../../components/data-table';
import { ErrorState } from '../../components/error-state';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters, type Formatters } from '../../lib/format';
import { useFunnels } from './hsm-api';
import { useLiveStream } from './live-stream';
import { useRuleWords } from './rule-words';

const PERIODS = [7, 30, 90] as const;
const CONVERSION_DAYS = [3, 7, 14, 30] as const;
const SERIES = [
  { key: 'sent', color: '#6366f1' },
  { key: 'delivered', color: '#10b981' },
  { key: 'read', color: '#0ea5e9' },
  { key: 'replied', color: '#f59e0b' },
  { key: 'failed', color: '#e11d48' },
] as const;
const RATE_COLUMNS = ['delivered', 'read', 'replied', 'failed', 'optedOut', 'converted'] as const;

function periodStart(days: number): string {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (days - 1));
  return start.toISOString();
}

/**
 * The count over its rate ("12" above "40 %"), "—" instead of a rate with no base: stacked, so eight such columns and
 * a template's name fit beside the side menu at 1280 px.
 */
function RateCell({ value, format, testId }: { value: RateCount; format: Formatters; testId: string }) {
  const { t } = useTranslation();
  return (
    <td
      className="td px-2 tabular-nums"
      data-testid={testId}
      data-rate={value.rate === null ? '' : String(value.rate)}
    >
      {format.integer(value.count)}
      <span className="block text-xs text-slate-500">
        {value.rate === null ? t('common.none') : format.percent(value.rate * 100)}
      </span>
    </td>
  );
}

/** A count column's header: its short name where the full one is long ("Entreg."), the full one as its name and tooltip. */
function CountHeader({ column }: { column: 'queued' | 'sent' | (typeof RATE_COLUMNS)[number] }) {
  const { t } = useTranslation();
  const full = t(`automation.funnels.${column}`);
  const short = t(`automation.funnels.short.${column}`);
  if (short === full) {
    return (
      <th scope="col" className="th px-2">
        {full}
      </th>
    );
  }
  return (
    <th scope="col" className="th px-2" aria-label={full}>
      <abbr title={full} className="no-underline">
        {short}
      </abbr>
    </th>
  );
}

function FunnelTable({
  title,
  rows,
  name,
  testId,
}: {
  title: string;
  rows: AutomationFunnel[];
  name: (key: string) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  if (rows.length === 0) return null;
  return (
    <TableContainer label={title}>
      <table data-testid={testId} className="table-base">
        <caption className="px-4 py-2 text-left text-sm font-semibold text-slate-900">{title}</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="th px-2">
              {t('automation.funnels.name')}
            </th>
            <CountHeader column="queued" />
            <CountHeader column="sent" />
            {RATE_COLUMNS.map((column) => (
              <CountHeader key={column} column={column} />
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {rows.map((row) => (
            <tr key={row.key} data-testid={`${testId}-${row.key}`}>
              {/* A template's name is one long word (`seguimiento_lead_nuevo_v2`): it wraps anywhere rather than widen the table. */}
              <th
                scope="row"
                className="td min-w-36 px-2 text-left font-medium [overflow-wrap:anywhere] whitespace-normal text-slate-900"
              >
                {name(row.key)}
                {row.failedByReason.length > 0 ? (
                  <span className="block text-xs font-normal text-rose-700">
                    {row.failedByReason
                      .map((item) =>
                        t('automation.funnels.reasonCount', {
                          // The reasons are sentences ("…el mensaje."): before the count, without their period.
                          reason: t(`automation.reasons.${item.reason}`, {
                            defaultValue: t('codes.other', { code: item.reason }),
                          }).replace(/\.$/, ''),
                          count: item.count,
                        }),
                      )
                      .join(' · ')}
                  </span>
                ) : null}
              </th>
              <td className="td px-2 tabular-nums">{format.integer(row.queued)}</td>
              <td className="td px-2 tabular-nums">{format.integer(row.sent)}</td>
              {RATE_COLUMNS.map((column) => (
                <RateCell
                  key={column}
                  value={row[column]}
                  format={format}
                  testId={`${testId}-${row.key}-${column}`}
                />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableContainer>
  );
}

/**
 * Effectiveness per rule and per template: delivered, read, replied, opted out and converted over what was sent;
 * failed over what ended (sent + failed); "—" when there is no base. And the sends by day.
 */
export function FunnelsPanel({ rules }: { rules: AutomationRuleView[] }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const words = useRuleWords();
  const periodId = useId();
  const conversionId = useId();
  const [period, setPeriod] = useState<number>(30);
  const [conversionDays, setConversionDays] = useState<number>(7);
  const [from] = useState(() => Object.fromEntries(PERIODS.map((days) => [days, periodStart(days)])));
  const { canRead } = useLiveStream();
  const funnels = useFunnels({ conversionDays, from: from[period] }, { enabled: canRead });
  const ruleName = (key: string) => {
    const rule = rules.find((item) => item.key === key);
    return rule
      ? words.title(rule)
      : t(`automation.rules.${key}.title`, { defaultValue: t('automation.funnels.deletedRule') });
  };
  const data = funnels.data;

  return (
    <section
      aria-labelledby={`${periodId}-title`}
      data-testid="automation-funnels"
      className="card overflow-hidden"
    >
      <div className="flex flex-col gap-3 border-b border-slate-200 px-4 py-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h2 id={`${periodId}-title`} className="text-base font-semibold text-slate-900">
            {t('automation.funnels.title')}
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            {t('automation.funnels.description', { days: conversionDays })}
          </p>
        </div>
        <div className="grid shrink-0 grid-cols-2 gap-2 sm:w-80">
          <div className="space-y-1">
            <label htmlFor={periodId} className="label">
              {t('automation.funnels.period')}
            </label>
            <select
              id={periodId}
              value={period}
              onChange={(event) => setPeriod(Number(event.target.value))}
              className="input w-full"
            >
              {PERIODS.map((days) => (
                <option key={days} value={days}>
                  {t('automation.funnels.lastDays', { count: days })}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1">
            <label htmlFor={conversionId} className="label">
              {t('automation.funnels.conversionWindow')}
            </label>
            <select
              id={conversionId}
              data-testid="funnels-conversion-days"
              value={conversionDays}
              onChange={(event) => setConversionDays(Number(event.target.value))}
              className="input w-full"
            >
              {CONVERSION_DAYS.map((days) => (
                <option key={days} value={days}>
                  {t('automation.funnels.withinDays', { count: days })}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      {funnels.isPending ? (
        <div role="status" className="space-y-3 p-4">
          <span className="sr-only">{t('common.loading')}</span>
          <SkeletonBlock className="h-40 w-full" />
        </div>
      ) : funnels.isError ? (
        <ErrorState error={funnels.error} onRetry={() => void funnels.refetch()} />
      ) : data ? (
        <div className="space-y-4 pb-4">
          <dl className="grid grid-cols-2 gap-2 px-4 pt-4 sm:grid-cols-4 lg:grid-cols-8">
            {(['queued', 'sent'] as const).map((key) => (
              <div
                key={key}
                className="rounded-md bg-slate-50 px-2 py-1.5"
                data-testid={`funnel-total-${key}`}
              >
                <dt className="truncate text-[11px] text-slate-500">{t(`automation.funnels.${key}`)}</dt>
                <dd className="text-lg font-semibold tabular-nums text-slate-900">
                  {format.integer(data.total[key])}
                </dd>
              </div>
            ))}
            {RATE_COLUMNS.map((key) => (
              <div
                key={key}
                className="rounded-md bg-slate-50 px-2 py-1.5"
                data-testid={`funnel-total-${key}`}
              >
                <dt className="truncate text-[11px] text-slate-500">{t(`automation.funnels.${key}`)}</dt>
                <dd className="text-lg font-semibold tabular-nums text-slate-900">
                  {data.total[key].rate === null
                    ? t('common.none')
                    : format.percent(data.total[key].rate * 100)}
                  <span className="ml-1 text-xs font-normal text-slate-500">
                    {format.integer(data.total[key].count)}
                  </span>
                </dd>
              </div>
            ))}
          </dl>
          <p className="px-4 text-xs text-slate-500">{t('automation.funnels.bases')}</p>
          <div className="px-2" aria-hidden="true" data-testid="funnels-chart">
            <BarChart
              responsive
              data={data.daily.map((point) => ({ ...point, label: format.isoDate(point.day) }))}
              margin={{ top: 8, right: 8, bottom: 4, left: 0 }}
              style={{ width: '100%', height: 240 }}
            >
              <CartesianGrid vertical={false} stroke="#e2e8f0" />
              <XAxis dataKey="label" stroke="#64748b" fontSize={11} minTickGap={16} />
              <YAxis
                allowDecimals={false}
                stroke="#64748b"
                fontSize={11}
                width={36}
                tickFormatter={format.integer}
              />
              <Tooltip formatter={(value) => format.integer(Number(value))} />
              <Legend />
              {SERIES.map((series) => (
                <Bar
                  key={series.key}
                  dataKey={series.key}
                  name={t(`automation.funnels.${series.key}`)}
                  fill={series.color}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </div>
          <FunnelTable
            title={t('automation.funnels.byRule')}
            rows={data.byRule}
            name={ruleName}
            testId="funnels-rule"
          />
          <FunnelTable
            title={t('automation.funnels.byTemplate')}
            rows={data.byTemplate}
            name={(key) => key}
            testId="funnels-template"
          />
        </div>
      ) : null}
    </section>
  );
}
