import type { MarketingReport, ReportMetrics } from '@crm/contracts/browser';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { HIDDEN_BELOW, ONLY_BELOW, TableContainer } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ExpandIcon } from '../../components/icons';
import { useMetricText, type Kpi } from './kpi-cards';

/**
 * The columns after the name, in order, and from which width of the table each shows (container queries, see
 * data-table.tsx). Leads and ROI always show; spend and revenue are repeated under the name while hidden. Metric
 * cells are a little tighter than the default cell (`px-2`), so all ten fit beside the side menu at 1440 px.
 */
const COLUMNS: { kpi: Kpi; hiddenBelow: keyof typeof HIDDEN_BELOW | null }[] = [
  { kpi: 'spend', hiddenBelow: 'lg' },
  { kpi: 'leads', hiddenBelow: null },
  { kpi: 'opportunities', hiddenBelow: '2xl' },
  { kpi: 'sales', hiddenBelow: '2xl' },
  { kpi: 'revenue', hiddenBelow: 'xl' },
  { kpi: 'cpl', hiddenBelow: '3xl' },
  { kpi: 'costPerOpportunity', hiddenBelow: '5xl' },
  { kpi: 'costPerSale', hiddenBelow: '5xl' },
  { kpi: 'roas', hiddenBelow: '4xl' },
  { kpi: 'roi', hiddenBelow: null },
];

const columnClass = (hiddenBelow: keyof typeof HIDDEN_BELOW | null) =>
  hiddenBelow ? HIDDEN_BELOW[hiddenBelow] : '';

/** A name that opens the leads list: brand-colored, underlined on hover and keyboard focus, with a focus ring. */
const LEADS_LINK =
  'rounded-sm text-indigo-700 underline-offset-2 hover:text-indigo-900 hover:underline focus-visible:underline focus-visible:ring-2 focus-visible:ring-indigo-300 focus-visible:outline-none';

/** The leads list filtered to a campaign or an ad, carrying its name for the filter chip. */
export function campaignLeadsHref(campaignId: string, campaignName: string): string {
  return `/leads?${new URLSearchParams({ campaignId, campaignName }).toString()}`;
}

export function adLeadsHref(adId: string, adName: string): string {
  return `/leads?${new URLSearchParams({ adId, adName }).toString()}`;
}

function metricAttributes(metrics: ReportMetrics) {
  return {
    'data-spend': String(metrics.spend),
    'data-leads': String(metrics.leads),
    'data-opportunities': String(metrics.opportunities),
    'data-sales': String(metrics.sales),
    'data-revenue': String(metrics.revenue),
  };
}

function hasActivity(metrics: ReportMetrics): boolean {
  return (
    metrics.spend > 0 ||
    metrics.leads > 0 ||
    metrics.opportunities > 0 ||
    metrics.sales > 0 ||
    metrics.revenue > 0 ||
    metrics.unconvertedSales > 0
  );
}

function MetricCells({ metrics, currency }: { metrics: ReportMetrics; currency: string }) {
  const metricText = useMetricText();
  return (
    <>
      {COLUMNS.map(({ kpi, hiddenBelow }) => {
        const { value, display } = metricText(metrics, kpi, currency);
        const tone =
          value === null
            ? 'text-slate-400'
            : kpi !== 'roi'
              ? ''
              : value >= 0
                ? 'font-medium text-emerald-700'
                : 'font-medium text-rose-700';
        return (
          <td key={kpi} className={`td px-2 text-right tabular-nums ${tone} ${columnClass(hiddenBelow)}`}>
            {display}
          </td>
        );
      })}
    </>
  );
}

/** Spend and revenue under the name while their columns are hidden (a phone, a narrow panel). */
function NarrowSummary({ metrics, currency }: { metrics: ReportMetrics; currency: string }) {
  const { t } = useTranslation();
  const metricText = useMetricText();
  return (
    <span className={`${ONLY_BELOW.lg} text-xs font-normal text-slate-500`}>
      {t('marketing.kpi.spend')} {metricText(metrics, 'spend', currency).display} ·{' '}
      {t('marketing.kpi.revenue')} {metricText(metrics, 'revenue', currency).display}
    </span>
  );
}

/**
 * One row per campaign (expandable to its ads) plus the Meta leads no ad accounts for. A campaign's or an ad's name
 * opens the leads list filtered to it.
 */
export function CampaignTable({ report }: { report: MarketingReport }) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const { unattributed, currency } = report;
  const columnCount = COLUMNS.length + 1;

  const toggle = (campaignId: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(campaignId)) next.delete(campaignId);
      else next.add(campaignId);
      return next;
    });

  if (report.campaigns.length === 0 && !hasActivity(unattributed)) {
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
            {COLUMNS.map(({ kpi, hiddenBelow }) => (
              <th
                key={kpi}
                scope="col"
                className={`th px-2 text-right whitespace-normal ${columnClass(hiddenBelow)}`}
              >
                {t(`marketing.kpi.${kpi}`)}
              </th>
            ))}
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
                  <div className="flex items-start gap-1.5">
                    <button
                      type="button"
                      data-testid={`campaign-expand-${campaign.campaignId}`}
                      aria-expanded={isOpen}
                      aria-controls={isOpen ? adsId : undefined}
                      aria-label={t(isOpen ? 'marketing.campaigns.collapse' : 'marketing.campaigns.expand', {
                        name: campaign.campaignName,
                      })}
                      onClick={() => toggle(campaign.campaignId)}
                      className="mt-0.5 shrink-0 rounded text-slate-500 hover:text-indigo-700 focus-visible:ring-2 focus-visible:ring-indigo-200 focus-visible:outline-none"
                    >
                      <ExpandIcon
                        aria-hidden="true"
                        size={16}
                        className={`transition-transform ${isOpen ? 'rotate-90' : ''}`}
                      />
                    </button>
                    <div className="min-w-0">
                      <Link
                        to={campaignLeadsHref(campaign.campaignId, campaign.campaignName)}
                        data-testid={`campaign-leads-link-${campaign.campaignId}`}
                        aria-label={t('marketing.campaigns.campaignLeads', { name: campaign.campaignName })}
                        className={LEADS_LINK}
                      >
                        {campaign.campaignName}
                      </Link>
                      <span className="block text-xs font-normal text-slate-400">
                        {t('marketing.campaigns.adsCount', { count: campaign.ads.length })}
                      </span>
                      <NarrowSummary metrics={campaign} currency={currency} />
                    </div>
                  </div>
                </th>
                <MetricCells metrics={campaign} currency={currency} />
              </tr>,
              ...(isOpen && campaign.ads.length === 0
                ? [
                    <tr key={`${campaign.campaignId}:none`} id={adsId} className="bg-slate-50/70">
                      <td colSpan={columnCount} className="td pl-9 text-slate-500">
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
                      <th
                        scope="row"
                        className="td pl-9 text-left font-normal whitespace-normal text-slate-700"
                      >
                        <Link
                          to={adLeadsHref(ad.adId, ad.adName)}
                          data-testid={`ad-leads-link-${ad.adId}`}
                          aria-label={t('marketing.campaigns.adLeads', { name: ad.adName })}
                          className={LEADS_LINK}
                        >
                          {ad.adName}
                        </Link>
                        <NarrowSummary metrics={ad} currency={currency} />
                      </th>
                      <MetricCells metrics={ad} currency={currency} />
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
              <NarrowSummary metrics={unattributed} currency={currency} />
            </th>
            <MetricCells metrics={unattributed} currency={currency} />
          </tr>
        </tbody>
      </table>
    </TableContainer>
  );
}
