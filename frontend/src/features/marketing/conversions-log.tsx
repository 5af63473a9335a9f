import type { ConversionLogEntry, ConversionLogState } from '@crm/contracts/browser';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '../../components/badge';
import {
  HIDDEN_BELOW,
  ONLY_BELOW,
  STACKED_BELOW_MD as STACKED,
  TableContainer,
} from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { SkeletonTable } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { usePagingText } from '../../lib/paging-text';
import { CONVERSION_LOG_PAGE_SIZE, useConversionLog } from './conversions-api';

const STATE_TONES: Record<ConversionLogState, BadgeTone> = {
  sent: 'success',
  pending: 'warning',
  parked: 'danger',
};

/**
 * The events queued for Meta, newest first: event, lead, state, Meta's message, when (tenant's date format). On a
 * phone each event is a card, its state and Meta's message under the lead.
 */
export function ConversionsLog() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const log = useConversionLog(page);
  const paging = usePagingText();
  const pages = log.data ? Math.max(1, Math.ceil(log.data.total / CONVERSION_LOG_PAGE_SIZE)) : 1;

  return (
    <div className="mt-6 space-y-3" data-testid="conversions-log">
      <h3 className="text-base font-semibold text-slate-900">{t('marketing.conversions.log.title')}</h3>
      {log.isPending ? (
        <SkeletonTable rows={3} columns={5} />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : log.data.items.length === 0 ? (
        <EmptyState
          title={t('marketing.conversions.log.empty')}
          description={t('marketing.conversions.log.emptyHint')}
        />
      ) : (
        <>
          <TableContainer label={t('marketing.conversions.log.title')}>
            <table className={`table-base ${STACKED.table}`}>
              <thead className={`bg-slate-50 ${STACKED.head}`}>
                <tr>
                  <th scope="col" className="th">
                    {t('marketing.conversions.log.event')}
                  </th>
                  <th scope="col" className="th">
                    {t('marketing.conversions.log.lead')}
                  </th>
                  <th scope="col" className="th">
                    {t('marketing.conversions.log.state')}
                  </th>
                  <th scope="col" className={`th ${HIDDEN_BELOW.lg}`}>
                    {t('marketing.conversions.log.message')}
                  </th>
                  <th scope="col" className="th">
                    {t('marketing.conversions.log.when')}
                  </th>
                </tr>
              </thead>
              <tbody className={`divide-y divide-slate-100 bg-white ${STACKED.body}`}>
                {log.data.items.map((entry) => (
                  <LogRow key={entry.eventId} entry={entry} />
                ))}
              </tbody>
            </table>
          </TableContainer>
          {pages > 1 ? (
            <div className="flex items-center justify-end gap-3 text-sm text-slate-600">
              <button
                type="button"
                className="btn-secondary"
                disabled={page <= 1}
                onClick={() => setPage(page - 1)}
              >
                {t('marketing.conversions.log.previous')}
              </button>
              <span data-testid="conversions-log-page">
                {paging.position({ page, pages, capped: log.data.totalCapped })}
              </span>
              <button
                type="button"
                className="btn-secondary"
                disabled={page >= pages}
                onClick={() => setPage(page + 1)}
              >
                {t('marketing.conversions.log.next')}
              </button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}

function LogRow({ entry }: { entry: ConversionLogEntry }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const message = entry.lastError?.message ?? t('common.none');
  return (
    <tr data-testid="conversions-log-row" className={STACKED.row}>
      <td className={`td ${STACKED.cell}`}>
        <span className="font-medium text-slate-900">{entry.eventName}</span>
        {entry.value !== null && entry.currency ? (
          <span className="block text-xs text-slate-500">{format.money(entry.value, entry.currency)}</span>
        ) : null}
      </td>
      <td className={`td ${STACKED.cell}`}>{entry.leadName ?? t('marketing.conversions.log.unnamedLead')}</td>
      <td className={`td whitespace-normal ${STACKED.cell}`}>
        <Badge tone={STATE_TONES[entry.state]}>{t(`marketing.conversions.log.states.${entry.state}`)}</Badge>
        <span className={`${ONLY_BELOW.lg} mt-1 text-xs text-slate-500`}>{entry.lastError?.message}</span>
      </td>
      <td className={`td whitespace-normal ${HIDDEN_BELOW.lg}`}>{message}</td>
      <td className={`td tabular-nums ${STACKED.cell} @max-md:text-xs @max-md:text-slate-500`}>
        {format.dateTime(entry.sentAt ?? entry.createdAt)}
      </td>
    </tr>
  );
}
