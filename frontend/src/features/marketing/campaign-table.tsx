import type { FunnelMetrics, RoiReport } from '@crm/contracts/browser';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HIDDEN_BELOW, TableContainer } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ExpandIcon } from '../../components/icons';
import { useFormatters } from '../../lib/format';
import { revenueCurrency } from './kpi-cards';

function metricAttributes(metrics: FunnelMetrics) {
  return {
    'data-spend': String(metrics.spend),
    'data-leads': String(metrics.leads),
    'data-opportunities': String(metrics.opportunities),
    'data-revenue': String(metrics.revenue),
  };
}

type MetricCellsProps = { metrics: FunnelMetrics; currency: string; salesCurrency: string };

function MetricCells({ metrics, currency, salesCurrency }: MetricCellsProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const dash = t('common.none');
  const roiTone =
    metrics.roiPercent === null
      ? 'text-slate-400'
      : metrics.roiPercent >= 0
        ? 'text-emerald-700'
        : 'text-rose-700';
  return (
    <>
      <td className={`td text-right tabular-nums ${COLUMN_CLASS.spend}`}>
        {format.money(metrics.spend, currency)}
      </td>
      <td className="td text-right tabular-nums">{format.integer(metrics.leads)}</td>
      <td className={`td text-right tabular-nums ${COLUMN_CLASS.cpl}`}>
        {metrics.costPerLead === null ? dash : format.money(metrics.costPerLead, currency)}
      </td>
      <td className={`td text-right tabular-nums ${COLUMN_CLASS.opportunities}`}>
        {format.integer(metrics.opportunities)}
      </td>
      <td className={`td text-right tabular-nums ${COLUMN_CLASS.revenue}`}>
        {format.money(metrics.revenue, salesCurrency)}
      </td>
      <td className={`td text-right font-medium tabular-nums ${roiTone}`}>
        {metrics.roiPercent === null ? dash : format.percent(metrics.roiPercent)}
      </td>
    </>
  );
}

/** Campaign, leads and ROI always show; the other figures join as the table gets room (see data-table.tsx). */
const COLUMN_CLASS = {
  spend: HIDDEN_BELOW.lg,
  leads: '',
  cpl: HIDDEN_BELOW['3xl'],
  opportunities: HIDDEN_BELOW['2xl'],
  revenue: HIDDEN_BELOW.xl,
  roi: '',
} as const;

/** One row per campaign (expandable to its ads) plus the leads whose ad Meta no longer returns. */
export function CampaignTable({ report }: { report: RoiReport }) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const salesCurrency = revenueCurrency(report);
  const { unattributed } = report;
  const hasUnattributed =
    unattributed.leads > 0 ||
    unattributed.opportunities > 0 ||
    unattributed.revenue > 0 ||
    unattributed.sales > 0;

  const toggle = (campaignId: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(campaignId)) next.delete(campaignId);
      else next.add(campaignId);
      return next;
    });

  if (report.campaigns.length === 0 && !hasUnattributed) {
    return (
      <EmptyState
        title={t('marketing.campaigns.emptyTitle')}
        description={t('marketing.campaigns.emptyDescription')}
      />
    );
  }

  return (
    <TableContainer label={t('marketing.campaigns.caption')}>
      <table data-testid="campaign-table" className="table-base">
        <caption className="sr-only">{t('marketing.campaigns.caption')}</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="th">
              {t('marketing.campaigns.columns.campaign')}
            </th>
            <th scope="col" className={`th text-right whitespace-normal ${COLUMN_CLASS.spend}`}>
              {t('marketing.kpi.spend')}
            </th>
            <th scope="col" className="th text-right whitespace-normal">
              {t('marketing.kpi.leads')}
            </th>
            <th scope="col" className={`th text-right whitespace-normal ${COLUMN_CLASS.cpl}`}>
              {t('marketing.kpi.cpl')}
            </th>
            <th scope="col" className={`th text-right whitespace-normal ${COLUMN_CLASS.opportunities}`}>
              {t('marketing.kpi.opportunities')}
            </th>
            <th scope="col" className={`th text-right whitespace-normal ${COLUMN_CLASS.revenue}`}>
              {t('marketing.kpi.revenue')}
            </th>
            <th scope="col" className="th text-right whitespace-normal">
              {t('marketing.kpi.roi')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {report.campaigns.map((campaign) => {
            const isOpen = expanded.has(campaign.campaignId);
            const adsId = `campaign-ads-${campaign.campaignId}`;
            return [
              <tr
                key={campaign.campaignId}
                data-testid={`campaign-row-${campaign.campaignId}`}
                {...metricAttributes(campaign)}
                className="hover:bg-slate-50"
              >
                <th
                  scope="row"
                  className="td min-w-44 text-left font-medium whitespace-normal text-slate-900"
                >
                  <button
                    type="button"
                    data-testid={`campaign-expand-${campaign.campaignId}`}
                    aria-expanded={isOpen}
                    aria-controls={isOpen ? adsId : undefined}
                    onClick={() => toggle(campaign.campaignId)}
                    className="flex items-center gap-2 text-left hover:text-indigo-700 focus-visible:underline focus-visible:outline-none"
                  >
                    <ExpandIcon
                      aria-hidden="true"
                      size={16}
                      className={`shrink-0 transition-transform ${isOpen ? 'rotate-90' : ''}`}
                    />
                    <span>{campaign.campaignName}</span>
                    <span className="sr-only">
                      {isOpen ? t('marketing.campaigns.collapse') : t('marketing.campaigns.expand')}
                    </span>
                    <span className="text-xs font-normal text-slate-400">
                      {t('marketing.campaigns.adsCount', { count: campaign.ads.length })}
                    </span>
                  </button>
                </th>
                <MetricCells metrics={campaign} currency={report.currency} salesCurrency={salesCurrency} />
              </tr>,
              ...(isOpen && campaign.ads.length === 0
                ? [
                    <tr key={`${campaign.campaignId}:none`} id={adsId} className="bg-slate-50/70">
                      <td colSpan={7} className="td pl-12 text-slate-500">
                        {t('marketing.campaigns.noAds')}
                      </td>
                    </tr>,
                  ]
                : []),
              ...(isOpen
                ? campaign.ads.map((ad, index) => (
                    <tr
                      key={`${campaign.campaignId}:${ad.adId}`}
                      id={index === 0 ? adsId : undefined}
                      data-testid={`ad-row-${ad.adId}`}
                      data-campaign-id={campaign.campaignId}
                      {...metricAttributes(ad)}
                      className="bg-slate-50/70"
                    >
                      <th scope="row" className="td pl-12 text-left font-normal text-slate-700">
                        {ad.adName}
                        <span className="ml-2 font-mono text-xs text-slate-400">{ad.adId}</span>
                      </th>
                      <MetricCells metrics={ad} currency={report.currency} salesCurrency={salesCurrency} />
                    </tr>
                  ))
                : []),
            ];
          })}
          <tr data-testid="unattributed-row" {...metricAttributes(unattributed)} className="bg-amber-50/40">
            <th scope="row" className="td min-w-44 text-left font-medium whitespace-normal text-slate-700">
              {t('marketing.campaigns.unattributed')}
              <span className="block text-xs font-normal text-slate-500">
                {t('marketing.campaigns.unattributedHint')}
              </span>
            </th>
            <MetricCells metrics={unattributed} currency={report.currency} salesCurrency={salesCurrency} />
          </tr>
        </tbody>
      </table>
    </TableContainer>
  );
}
