import type { MarketingReport, ReportFunnel } from '@crm/contracts/browser';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useFormatters } from '../../lib/format';
import { BUCKET_SIZES, bucketReportDays, type BucketSize, type ReportBucket } from './report-buckets';
import { ViewCaption } from './view-switch';

const CHART_HEIGHT = 240;
const AXIS = { stroke: '#64748b', fontSize: 11 } as const;
const COLORS = { spend: '#6366f1', revenue: '#059669', cpl: '#f59e0b', funnel: '#0ea5e9' } as const;
/** The series' colors dark enough for text on white (axis ticks, legend): indigo-700 and emerald-700. */
const TEXT_COLORS = { spend: '#4338ca', revenue: '#047857' } as const;
const FUNNEL_STAGES = [
  'leads',
  'opportunities',
  'won',
  'sales',
] as const satisfies readonly (keyof ReportFunnel)[];
/** Up to a month reads best day by day; longer ranges start grouped by week. */
const DAILY_UP_TO_DAYS = 31;

type ChartCardProps = {
  testId: string;
  title: string;
  report: MarketingReport;
  note?: string;
  /** The same numbers as the chart, as a table for screen readers (the SVG itself is hidden from them). */
  data: ReactNode;
  children: ReactNode;
  className?: string;
};

function ChartCard({ testId, title, report, note, data, children, className = '' }: ChartCardProps) {
  const id = useId();
  return (
    <section aria-labelledby={id} data-testid={testId} className={`card min-w-0 p-4 ${className}`}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h3 id={id} className="text-sm font-semibold text-slate-900">
          {title}
        </h3>
        <ViewCaption view={report.view} testId={`${testId}-view`} />
      </div>
      {note ? <p className="mb-2 text-xs text-slate-500">{note}</p> : null}
      <div aria-hidden="true">{children}</div>
      {data}
    </section>
  );
}

type DataTableProps = { caption: string; headers: string[]; rows: { key: string; cells: string[] }[] };

/**
 * A visually hidden table: the chart's values for screen readers (and for tests). Hidden through a wrapping
 * `div`: a table sizes itself to its content whatever its own width, so `sr-only` on it would widen a phone's page.
 */
function ChartData({ caption, headers, rows }: DataTableProps) {
  return (
    <div className="sr-only">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {headers.map((header) => (
              <th key={header} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, index) =>
                index === 0 ? (
                  <th key={index} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={index}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Point = ReportBucket & { label: string; period: string };

/** Revenue ÷ spend of a day or week; null with no spend (nothing to divide by, shown as "—"). */
function roasOf(bucket: Pick<ReportBucket, 'spend' | 'revenue'>): number | null {
  return bucket.spend > 0 ? bucket.revenue / bucket.spend : null;
}

/**
 * Which axis is whose: spend (bars) reads on the left axis, revenue (line) on the right one, each in its series'
 * color, placed above its axis.
 */
function AxisLegend({ spendLabel, revenueLabel }: { spendLabel: string; revenueLabel: string }) {
  const { t } = useTranslation();
  return (
    <div className="mb-1 flex flex-wrap justify-between gap-x-4 gap-y-1 text-xs font-medium">
      <span className="inline-flex items-center gap-1.5" style={{ color: TEXT_COLORS.spend }}>
        <span className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: COLORS.spend }} />
        {t('marketing.charts.spendRevenue.leftAxis', { series: spendLabel })}
      </span>
      <span className="inline-flex items-center gap-1.5" style={{ color: TEXT_COLORS.revenue }}>
        <span className="inline-block h-0.5 w-3.5 rounded" style={{ backgroundColor: COLORS.revenue }} />
        {t('marketing.charts.spendRevenue.rightAxis', { series: revenueLabel })}
      </span>
    </div>
  );
}

/** The hovered day or week: its spend, its revenue and their ROAS ("—" when nothing was spent). */
export function SpendRevenueTooltip({ point, currency }: { point: Point | undefined; currency: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  if (!point) return null;
  const roas = roasOf(point);
  const rows = [
    {
      key: 'spend',
      label: t('marketing.kpi.spend'),
      value: format.money(point.spend, currency),
      color: TEXT_COLORS.spend,
    },
    {
      key: 'revenue',
      label: t('marketing.kpi.revenue'),
      value: format.money(point.revenue, currency),
      color: TEXT_COLORS.revenue,
    },
    {
      key: 'roas',
      label: t('marketing.kpi.roas'),
      value:
        roas === null ? t('common.none') : t('marketing.kpi.roasValue', { value: format.number(roas, 2) }),
      color: undefined,
    },
  ];
  return (
    <div
      data-testid="spend-revenue-tooltip"
      className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md"
    >
      <p className="mb-1 font-semibold text-slate-900">{point.period}</p>
      <dl className="grid grid-cols-[auto_auto] gap-x-3 gap-y-0.5">
        {rows.map((row) => (
          <div key={row.key} data-testid={`spend-revenue-tooltip-${row.key}`} className="contents">
            <dt style={{ color: row.color }} className={row.color ? 'font-medium' : 'text-slate-600'}>
              {row.label}
            </dt>
            <dd className="text-right text-slate-900 tabular-nums">{row.value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Spend vs revenue and cost per lead over time (by day or by Monday-start week), and the funnel of the range. */
export function MarketingCharts({ report }: { report: MarketingReport }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const groupId = useId();
  const [chosen, setChosen] = useState<BucketSize | null>(null);
  const size: BucketSize = chosen ?? (report.daily.length > DAILY_UP_TO_DAYS ? 'week' : 'day');
  const points: Point[] = bucketReportDays(report.daily, size).map((bucket) => ({
    ...bucket,
    label: format.isoDayMonth(bucket.from),
    period:
      bucket.from === bucket.to
        ? format.isoDate(bucket.from)
        : t('marketing.charts.weekRange', {
            from: format.isoDayMonth(bucket.from),
            to: format.isoDate(bucket.to),
          }),
  }));
  const money = (value: number) => format.money(value, report.currency);
  const axisMoney = (value: number) => format.moneyCompact(value, report.currency);
  const tooltipLabel = (_label: unknown, payload: readonly { payload?: Point }[] | undefined) =>
    payload?.[0]?.payload?.period ?? '';
  const dash = t('common.none');
  const spendLabel = t('marketing.kpi.spend');
  const revenueLabel = t('marketing.kpi.revenue');
  const cplLabel = t('marketing.kpi.cpl');
  const roasLabel = t('marketing.kpi.roas');
  const roasText = (point: Point) => {
    const roas = roasOf(point);
    return roas === null ? dash : t('marketing.kpi.roasValue', { value: format.number(roas, 2) });
  };
  const periodLabel = t('marketing.charts.period');

  return (
    <div className="space-y-3">
      <fieldset className="flex flex-wrap items-center gap-2" data-testid="chart-bucket">
        <legend className="sr-only">{t('marketing.charts.groupBy')}</legend>
        <span aria-hidden="true" className="text-sm text-slate-600">
          {t('marketing.charts.groupBy')}
        </span>
        <div className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
          {BUCKET_SIZES.map((option) => (
            <label
              key={option}
              className={`cursor-pointer rounded px-3 py-1 text-sm font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-200 ${
                size === option ? 'bg-slate-800 text-white' : 'text-slate-700 hover:bg-slate-100'
              }`}
            >
              <input
                type="radio"
                name={groupId}
                value={option}
                data-testid={`chart-bucket-${option}`}
                checked={size === option}
                onChange={() => setChosen(option)}
                className="sr-only"
              />
              {t(`marketing.charts.buckets.${option}`)}
            </label>
          ))}
        </div>
      </fieldset>

      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard
          testId="chart-spend-revenue"
          title={t('marketing.charts.spendRevenue.title')}
          report={report}
          className="lg:col-span-2"
          data={
            <ChartData
              caption={t('marketing.charts.dataCaption', { title: t('marketing.charts.spendRevenue.title') })}
              headers={[periodLabel, spendLabel, revenueLabel, roasLabel]}
              rows={points.map((point) => ({
                key: point.from,
                cells: [point.period, money(point.spend), money(point.revenue), roasText(point)],
              }))}
            />
          }
        >
          <AxisLegend spendLabel={spendLabel} revenueLabel={revenueLabel} />
          <ComposedChart
            responsive
            data={points}
            margin={{ top: 8, right: 0, bottom: 4, left: 0 }}
            style={{ width: '100%', height: CHART_HEIGHT }}
          >
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" {...AXIS} minTickGap={16} />
            <YAxis
              yAxisId="spend"
              orientation="left"
              {...AXIS}
              stroke={COLORS.spend}
              tick={{ fill: TEXT_COLORS.spend }}
              width={64}
              tickFormatter={axisMoney}
            />
            <YAxis
              yAxisId="revenue"
              orientation="right"
              {...AXIS}
              stroke={COLORS.revenue}
              tick={{ fill: TEXT_COLORS.revenue }}
              width={64}
              tickFormatter={axisMoney}
            />
            <Tooltip
              content={({ active, payload }) =>
                active ? (
                  <SpendRevenueTooltip
                    point={(payload as readonly { payload?: Point }[] | undefined)?.[0]?.payload}
                    currency={report.currency}
                  />
                ) : null
              }
            />
            <Bar
              yAxisId="spend"
              dataKey="spend"
              name={spendLabel}
              fill={COLORS.spend}
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
            />
            <Line
              yAxisId="revenue"
              type="monotone"
              dataKey="revenue"
              name={revenueLabel}
              stroke={COLORS.revenue}
              strokeWidth={2}
              dot={{ r: 2, fill: COLORS.revenue }}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ChartCard>

        <FunnelChart report={report} />

        <ChartCard
          testId="chart-cpl"
          title={t('marketing.charts.cpl.title')}
          report={report}
          note={t('marketing.charts.cpl.gaps')}
          data={
            <ChartData
              caption={t('marketing.charts.dataCaption', { title: t('marketing.charts.cpl.title') })}
              headers={[periodLabel, cplLabel]}
              rows={points.map((point) => ({
                key: point.from,
                cells: [point.period, point.costPerLead === null ? dash : money(point.costPerLead)],
              }))}
            />
          }
        >
          <LineChart
            responsive
            data={points}
            margin={{ top: 8, right: 8, bottom: 4, left: 0 }}
            style={{ width: '100%', height: CHART_HEIGHT }}
          >
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" {...AXIS} minTickGap={16} />
            <YAxis {...AXIS} width={64} tickFormatter={axisMoney} />
            <Tooltip
              formatter={(value) => (value === null || value === undefined ? dash : money(Number(value)))}
              labelFormatter={tooltipLabel}
            />
            <Line
              type="monotone"
              dataKey="costPerLead"
              name={cplLabel}
              stroke={COLORS.cpl}
              strokeWidth={2}
              dot={{ r: 2 }}
              connectNulls={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ChartCard>
      </div>
    </div>
  );
}

/** Leads → opportunities → won → sales, each with its share of the stage before. */
function FunnelChart({ report }: { report: MarketingReport }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const stages = FUNNEL_STAGES.map((stage, index) => {
    const count = report.funnel[stage];
    const previous = index === 0 ? null : report.funnel[FUNNEL_STAGES[index - 1]!];
    return {
      key: stage,
      label: t(`marketing.charts.funnel.stages.${stage}`),
      count,
      conversion: previous === null || previous === 0 ? null : (count / previous) * 100,
    };
  });
  const title = t('marketing.charts.funnel.title');
  return (
    <ChartCard
      testId="chart-funnel"
      title={title}
      report={report}
      data={
        <ChartData
          caption={t('marketing.charts.dataCaption', { title })}
          headers={[
            t('marketing.charts.funnel.stage'),
            t('marketing.charts.funnel.count'),
            t('marketing.charts.funnel.conversion'),
          ]}
          rows={stages.map((stage) => ({
            key: stage.key,
            cells: [
              stage.label,
              format.integer(stage.count),
              stage.conversion === null ? t('common.none') : format.percent(stage.conversion),
            ],
          }))}
        />
      }
    >
      <BarChart
        responsive
        layout="vertical"
        data={stages}
        margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
        style={{ width: '100%', height: CHART_HEIGHT }}
      >
        <CartesianGrid horizontal={false} stroke="#e2e8f0" />
        <XAxis type="number" allowDecimals={false} tickFormatter={format.integer} {...AXIS} />
        <YAxis type="category" dataKey="label" width={100} {...AXIS} />
        <Tooltip formatter={(value) => format.integer(Number(value))} cursor={{ fill: '#f1f5f9' }} />
        <Bar
          dataKey="count"
          name={t('marketing.charts.funnel.count')}
          fill={COLORS.funnel}
          radius={[0, 4, 4, 0]}
          isAnimationActive={false}
        />
      </BarChart>
    </ChartCard>
  );
}
