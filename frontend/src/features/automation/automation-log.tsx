import { SEND_STATUSES, type AutomationLogView, type Page, type SendStatus } from '@crm/contracts/browser';
import { useQueryClient } from '@tanstack/react-query';
import { Fragment, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  HIDDEN_BELOW,
  ONLY_BELOW,
  STACKED_BELOW_MD as STACKED,
  TableContainer,
} from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { ExpandIcon } from '../../components/icons';
import { PagingBar } from '../../components/paging-bar';
import { SkeletonTable } from '../../components/skeleton';
import { useCodeLabels } from '../../lib/code-labels';
import { useFormatters, type Formatters } from '../../lib/format';
import { usePagingText } from '../../lib/paging-text';
import { automationKeys, useAutomationLogs } from './automation-api';
import { describeHistoryDetail } from './history-detail';
import { applyLiveEvent, sortHistory, type LiveState } from './live-sends';
import { useLiveSendEvents, useLiveStream } from './live-stream';
import { matchesLogFilters, type LogFilters } from './log-filters';
import { SendStatusBadge } from './send-status-badge';

const PAGE_SIZE = 25;
const COLUMN_COUNT = 8;
/**
 * Lead, status and the history toggle always show; the rest join as the table gets room. Phone and error are
 * repeated under the lead and the status while their columns are hidden. One column says when the send last moved
 * (as the phone card does); the history row has every timestamp. Beside the side menu the container is 4xl wide at
 * 1280 px (lead, template, status, last update) and 5xl at 1440 px (the due time joins): neither scrolls sideways.
 * On a phone each send is a card: the lead, its template, then the status with its reason and latest time.
 */
const COLUMNS = {
  template: 'xl',
  updatedAt: '2xl',
  scheduledFor: '5xl',
  phone: '6xl',
  error: '7xl',
} as const;

/** When the send last moved: read, delivered, sent, else when it is (or was) due. */
function latestAt(log: AutomationLogView): string {
  return log.readAt ?? log.deliveredAt ?? log.sentAt ?? log.scheduledFor;
}

function isSendStatus(value: string): value is SendStatus {
  return (SEND_STATUSES as readonly string[]).includes(value);
}

/** A history row's detail as a sentence in the UI language (see `history-detail.ts`). */
function useHistoryDetailText(format: Formatters) {
  const { t } = useTranslation();
  return (detail: string): string => describeHistoryDetail(detail, t, format);
}

const LIVE_TONES: Record<LiveState, string> = {
  open: 'bg-emerald-50 text-emerald-700',
  connecting: 'bg-amber-50 text-amber-700',
  closed: 'bg-slate-100 text-slate-600',
};
const LIVE_DOTS: Record<LiveState, string> = {
  open: 'animate-pulse bg-emerald-500',
  connecting: 'bg-amber-500',
  closed: 'bg-slate-400',
};

type LogRule = { key: string; label: string };

/**
 * The live log: newest sends first, each with its history in time order. Pushed over SSE (no polling): a
 * transition of a send on this page is applied in place, a new send re-reads the page, and every reconnect
 * re-reads what may have been missed (`LiveStreamProvider`, which also holds the first read until the stream is
 * ready).
 */
export function AutomationLog({ rules = [] }: { rules?: LogRule[] }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const paging = usePagingText();
  const labels = useCodeLabels();
  const historyText = useHistoryDetailText(format);
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<LogFilters>({ page: 1, pageSize: PAGE_SIZE });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const statusId = useId();
  const ruleId = useId();
  const dayId = useId();
  const { state: live, canRead } = useLiveStream();
  const logs = useAutomationLogs(filters, { enabled: canRead });
  /** New sends the page already counted (once each), by the filters it was read with. */
  const counted = useRef(new Map<string, Set<string>>());
  /**
   * A live event changes the page on screen (other filters' pages are read again when shown: `staleTime` 0).
   * `applyLiveEvent` keeps its total to the sends that match its filters.
   */
  useLiveSendEvents((event) => {
    const key = automationKeys.logs(filters);
    const current = queryClient.getQueryData<Page<AutomationLogView>>(key);
    if (current) {
      const id = JSON.stringify(filters);
      const countedHere = counted.current.get(id) ?? new Set<string>();
      const change = applyLiveEvent(current, filters, event, countedHere, format.timeZone);
      if (change.countedNew) {
        if (countedHere.size > 5000) countedHere.clear();
        countedHere.add(change.countedNew);
        counted.current.set(id, countedHere);
      }
      if (change.page !== current) queryClient.setQueryData(key, change.page);
      if (change.refetch) void queryClient.invalidateQueries({ queryKey: key });
    }
  });

  const page = logs.data;
  // The API filters; a row a live transition moved out of the filters since is hidden until the next read.
  const items = (page?.items ?? []).filter((item) => matchesLogFilters(item, filters, format.timeZone));
  const totalPages = page ? Math.max(1, Math.ceil(page.total / page.pageSize)) : 1;
  /** Why a send failed or waits, in words when its reason is known (the API's text stays in the tooltip). */
  const errorText = (error: NonNullable<AutomationLogView['error']>) =>
    error.reason ? t(`automation.reasons.${error.reason}`, { defaultValue: error.message }) : error.message;

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section aria-labelledby="automation-log-title" className="card overflow-hidden">
      {/* The filters keep their width beside the title (it wraps) and go under it when even that does not fit. */}
      <div className="flex flex-col gap-3 border-b border-slate-200 px-4 py-3 sm:flex-row sm:flex-wrap sm:items-end sm:justify-between">
        <div className="sm:min-w-48 sm:flex-1">
          <h2
            id="automation-log-title"
            className="flex items-center gap-2 text-base font-semibold text-slate-900"
          >
            {t('automation.log.title')}
            <span
              data-testid="live-state"
              data-state={live}
              className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${LIVE_TONES[live]}`}
            >
              <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${LIVE_DOTS[live]}`} />
              {t(`automation.live.state.${live}`)}
            </span>
          </h2>
          <p className="mt-1 text-sm text-slate-500">{t('automation.log.description')}</p>
        </div>
        <div className="grid grid-cols-1 gap-2 sm:shrink-0 sm:grid-cols-3">
          <div className="space-y-1">
            <label htmlFor={ruleId} className="label">
              {t('automation.live.filterRule')}
            </label>
            <select
              id={ruleId}
              data-testid="logs-filter-rule"
              value={filters.ruleKey ?? ''}
              onChange={(event) => {
                const value = event.target.value;
                setFilters((current) => ({ ...current, page: 1, ruleKey: value || undefined }));
              }}
              className="input w-full sm:w-48"
            >
              <option value="">{t('automation.live.allRules')}</option>
              {rules.map((rule) => (
                <option key={rule.key} value={rule.key}>
                  {rule.label}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1">
            <label htmlFor={statusId} className="label">
              {t('automation.log.filterStatus')}
            </label>
            <select
              id={statusId}
              data-testid="logs-filter-status"
              value={filters.status ?? ''}
              onChange={(event) => {
                const value = event.target.value;
                setFilters((current) => ({
                  ...current,
                  page: 1,
                  status: isSendStatus(value) ? value : undefined,
                }));
              }}
              className="input w-full sm:w-48"
            >
              <option value="">{t('automation.log.allStatuses')}</option>
              {SEND_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`automation.status.${status}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1">
            <label htmlFor={dayId} className="label">
              {t('automation.live.filterDay')}
            </label>
            <input
              id={dayId}
              type="date"
              data-testid="logs-filter-day"
              value={filters.day ?? ''}
              onChange={(event) => {
                const value = event.target.value;
                setFilters((current) => ({ ...current, page: 1, day: value || undefined }));
              }}
              className="input w-full sm:w-48"
            />
          </div>
        </div>
      </div>

      {logs.isPending ? (
        <SkeletonTable columns={8} />
      ) : logs.isError ? (
        <ErrorState error={logs.error} onRetry={() => void logs.refetch()} />
      ) : page && items.length === 0 ? (
        filters.status || filters.ruleKey || filters.day ? (
          <EmptyState
            title={t('automation.log.emptyFilteredTitle')}
            description={t('automation.log.emptyFilteredDescription')}
          />
        ) : (
          <EmptyState
            title={t('automation.log.emptyTitle')}
            description={t('automation.log.emptyDescription')}
          />
        )
      ) : page ? (
        <>
          <TableContainer label={t('automation.log.caption')}>
            <table
              data-testid="automation-log-table"
              data-total={page.total}
              className={`table-base ${STACKED.table}`}
            >
              <caption className="sr-only">{t('automation.log.caption')}</caption>
              <thead className={`bg-slate-50 ${STACKED.head}`}>
                <tr>
                  <th scope="col" className="th">
                    <span className="sr-only">{t('automation.log.columns.history')}</span>
                  </th>
                  <th scope="col" className="th">
                    {t('automation.log.columns.lead')}
                  </th>
                  <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.phone]}`}>
                    {t('automation.log.columns.phone')}
                  </th>
                  <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.template]}`}>
                    {t('automation.log.columns.template')}
                  </th>
                  <th scope="col" className="th">
                    {t('automation.log.columns.status')}
                  </th>
                  <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.updatedAt]}`}>
                    {t('automation.log.columns.updatedAt')}
                  </th>
                  <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.scheduledFor]}`}>
                    {t('automation.log.columns.scheduledFor')}
                  </th>
                  <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.error]}`}>
                    {t('automation.log.columns.error')}
                  </th>
                </tr>
              </thead>
              <tbody className={`divide-y divide-slate-100 bg-white ${STACKED.body}`}>
                {items.map((log) => {
                  const isOpen = expanded.has(log.id);
                  const historyId = `log-history-${log.id}`;
                  return (
                    <Fragment key={log.id}>
                      <tr
                        data-testid={`log-row-${log.id}`}
                        data-status={log.status}
                        data-lead-id={log.leadId}
                        className={`hover:bg-slate-50 ${STACKED.row}`}
                      >
                        <td className={`td w-8 ${STACKED.first}`}>
                          <button
                            type="button"
                            data-testid={`log-expand-${log.id}`}
                            aria-expanded={isOpen}
                            aria-controls={isOpen ? historyId : undefined}
                            aria-label={
                              isOpen ? t('automation.log.hideHistory') : t('automation.log.showHistory')
                            }
                            onClick={() => toggle(log.id)}
                            className="rounded px-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
                          >
                            <ExpandIcon
                              aria-hidden="true"
                              size={16}
                              className={`transition-transform ${isOpen ? 'rotate-90' : ''}`}
                            />
                          </button>
                        </td>
                        <td className={`td font-medium text-slate-900 ${STACKED.cell}`}>
                          {log.leadName ?? log.leadId}
                          {log.phone ? (
                            <span
                              className={`text-xs font-normal text-slate-500 tabular-nums ${ONLY_BELOW[COLUMNS.phone]}`}
                            >
                              {log.phone}
                            </span>
                          ) : null}
                        </td>
                        <td className={`td tabular-nums ${HIDDEN_BELOW[COLUMNS.phone]}`}>
                          {log.phone ?? '—'}
                        </td>
                        <td
                          className={`td ${HIDDEN_BELOW[COLUMNS.template]} ${STACKED.cell} ${STACKED.shownStacked} @max-md:text-xs @max-md:text-slate-500`}
                        >
                          {log.templateName ? (
                            <>
                              {log.templateName}
                              {log.templateLanguage ? (
                                <span className="block text-xs text-slate-400 @max-md:ml-1 @max-md:inline">
                                  {labels.language(log.templateLanguage)}
                                </span>
                              ) : null}
                            </>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td className={`td ${STACKED.cell}`}>
                          <SendStatusBadge status={log.status} />
                          <time
                            dateTime={latestAt(log)}
                            className="ml-2 text-xs text-slate-500 tabular-nums @md:hidden"
                          >
                            {format.dateTime(latestAt(log))}
                          </time>
                          {log.error ? (
                            <span
                              data-testid={`log-error-${log.id}`}
                              className={`mt-1 max-w-40 text-xs whitespace-normal text-rose-700 @max-md:max-w-none ${ONLY_BELOW[COLUMNS.error]}`}
                              title={log.error.message}
                            >
                              {errorText(log.error)}
                            </span>
                          ) : null}
                        </td>
                        <td
                          data-testid={`log-updated-${log.id}`}
                          className={`td tabular-nums ${HIDDEN_BELOW[COLUMNS.updatedAt]}`}
                        >
                          <time dateTime={latestAt(log)}>{format.dateTime(latestAt(log))}</time>
                        </td>
                        <td className={`td tabular-nums ${HIDDEN_BELOW[COLUMNS.scheduledFor]}`}>
                          <time dateTime={log.scheduledFor}>{format.dateTime(log.scheduledFor)}</time>
                        </td>
                        <td
                          className={`td max-w-xs truncate text-rose-700 ${HIDDEN_BELOW[COLUMNS.error]}`}
                          title={log.error ? `${log.error.message} (${log.error.code})` : undefined}
                        >
                          {log.error ? errorText(log.error) : '—'}
                        </td>
                      </tr>
                      {isOpen ? (
                        <tr
                          id={historyId}
                          data-testid={`log-history-${log.id}`}
                          className={`bg-slate-50/70 ${STACKED.row}`}
                        >
                          <td className={STACKED.first} />
                          <td colSpan={COLUMN_COUNT - 1} className={`px-4 py-3 ${STACKED.cell}`}>
                            {/* Width 0, stretched to the cell: long details wrap instead of widening the table. */}
                            <div className="w-0 min-w-full">
                              {log.history.length === 0 ? (
                                <p className="text-sm text-slate-500">{t('automation.log.noHistory')}</p>
                              ) : (
                                <ol className="space-y-1.5 border-l-2 border-slate-200 pl-4">
                                  {sortHistory(log.history).map((entry, index) => (
                                    <li
                                      key={`${entry.status}-${entry.at}-${index}`}
                                      className="flex flex-wrap items-center gap-2 text-sm"
                                    >
                                      <SendStatusBadge status={entry.status} />
                                      <time dateTime={entry.at} className="text-slate-600">
                                        {format.dateTime(entry.at)}
                                      </time>
                                      {entry.detail ? (
                                        <span className="text-slate-500">{historyText(entry.detail)}</span>
                                      ) : null}
                                    </li>
                                  ))}
                                </ol>
                              )}
                              {log.repliedAt ? (
                                <p className="mt-2 text-xs text-slate-500">
                                  {t('automation.log.repliedAt', { date: format.dateTime(log.repliedAt) })}
                                </p>
                              ) : null}
                              {log.wamid ? (
                                <p className="mt-1 font-mono text-xs break-all text-slate-400">{log.wamid}</p>
                              ) : null}
                            </div>
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </TableContainer>
          <PagingBar
            summary={paging.summary({
              from: page.total === 0 ? 0 : (page.page - 1) * page.pageSize + 1,
              to: Math.min(page.total, page.page * page.pageSize),
              total: page.total,
              capped: page.totalCapped,
            })}
            position={paging.position({ page: page.page, pages: totalPages, capped: page.totalCapped })}
            hasPrevious={page.page > 1}
            hasNext={page.page < totalPages}
            onPrevious={() => setFilters((current) => ({ ...current, page: current.page - 1 }))}
            onNext={() => setFilters((current) => ({ ...current, page: current.page + 1 }))}
          />
        </>
      ) : null}
    </section>
  );
}
