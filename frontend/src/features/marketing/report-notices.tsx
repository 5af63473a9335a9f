import type { MarketingReport } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../components/notice';
import { useFormatters } from '../../lib/format';
import { FX_RATES_ID } from './fx-rates-section';

/** Where the Marketing page keeps its exchange rates (a section of the same page). */
export const FX_RATES_ANCHOR = `#${FX_RATES_ID}`;

/**
 * What the numbers leave out, said plainly: sales of a currency with no rate on their day (not in revenue, ROAS or
 * ROI), sales that were converted, and a range starting before the CRM has Meta leads to compare spend with.
 */
export function ReportNotices({
  report,
  onEnterRates,
}: {
  report: MarketingReport;
  /** The "Registrar tipos de cambio" link was followed: open the exchange-rate section and bring it into view. */
  onEnterRates: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  const unconverted = report.revenueByCurrency.filter((row) => row.unconvertedSales > 0);
  const converted = report.revenueByCurrency
    .filter((row) => row.currency !== report.currency && row.convertedSales > 0)
    .map((row) => row.currency);

  return (
    <>
      {unconverted.map((row) => (
        <Notice
          key={row.currency}
          tone="warning"
          testId={`no-rate-notice-${row.currency}`}
          title={t('marketing.notices.noRateTitle', { currency: row.currency })}
          action={
            <a
              href={FX_RATES_ANCHOR}
              onClick={onEnterRates}
              className="font-semibold text-amber-900 underline hover:no-underline"
            >
              {t('marketing.notices.enterRates')}
            </a>
          }
        >
          {t('marketing.notices.noRate', {
            count: row.unconvertedSales,
            currency: row.currency,
            amount: format.money(row.unconvertedAmount, row.currency),
          })}
        </Notice>
      ))}
      {converted.length > 0 ? (
        <p data-testid="converted-note" className="text-xs text-slate-500">
          {t('marketing.notices.converted', { currencies: converted.join(', '), currency: report.currency })}
        </p>
      ) : null}
      {report.rangeExceedsHistory ? (
        <Notice tone="info" testId="history-notice" title={t('marketing.notices.historyTitle')}>
          {report.crmHistoryStartsOn
            ? t('marketing.notices.history', { date: format.isoDate(report.crmHistoryStartsOn) })
            : t('marketing.notices.historyNone')}
        </Notice>
      ) : null}
    </>
  );
}
