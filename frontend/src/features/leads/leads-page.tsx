import type { LeadPage } from '@crm/contracts/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { HIDDEN_BELOW, ONLY_BELOW, TableContainer } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { AddIcon, OpenIcon, UploadIcon } from '../../components/icons';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { PagingBar } from '../../components/paging-bar';
import { SkeletonTable } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { usePagingText } from '../../lib/paging-text';
import { startOfDay } from '../../lib/zoned-day';
import { useOptionalCurrentUser } from '../auth/guards';
import { AdNamesCell } from '../lead-360/ad-names-cell';
import { LeadDetailPanel } from './lead-detail-panel';
import {
  FILTER_KEYS,
  FILTER_NAME_KEYS,
  LeadFiltersBar,
  readLeadListParams,
  type LeadListParams,
} from './lead-filters';
import { LeadStatusBadge } from './lead-labels';
import { leadKeys, useLeads, type LeadFilters } from './leads-api';
import { NewLeadDialog } from './new-lead-dialog';

const PAGE_SIZE = 20;

/**
 * Name and status always show; phone, date, source and the Meta campaign/ad join as the table gets room (a phone
 * shows them under the name instead).
 */
const COLUMNS = { phone: 'lg', createdAt: 'xl', source: '3xl', ad: '4xl' } as const;

/** Cursors of the pages before the current one, for "previous"; forgotten when the filters change. */
type CursorTrail = { filtersKey: string; cursors: (string | null)[] };

export function LeadsPage() {
  const { t } = useTranslation();
  const format = useFormatters();
  const paging = usePagingText();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();

  const list: LeadListParams = readLeadListParams(params);
  const cursor = params.get('cursor') || undefined;
  const selectedLeadId = params.get('lead');
  const [creating, setCreating] = useState(false);
  const [createdName, setCreatedName] = useState<string | null>(null);
  const filtersKey = FILTER_KEYS.map((key) => list[key] ?? '').join('|');

  const firstPage: LeadFilters = useMemo(
    () => ({
      pageSize: PAGE_SIZE,
      status: list.status,
      source: list.source,
      search: list.search,
      campaignId: list.campaignId,
      adId: list.adId,
      assignedUserId: list.assignedUserId,
      tag: list.tag,
      // Whole days on the tenant's clock: from the start of `from` to the start of the day after `to`.
      createdFrom: list.from ? (startOfDay(list.from, format.timeZone) ?? undefined) : undefined,
      createdTo: list.to ? (startOfDay(list.to, format.timeZone, 1) ?? undefined) : undefined,
      sort: list.sort,
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `filtersKey` is every field of `list`
    [filtersKey, format.timeZone],
  );
  const filters: LeadFilters = useMemo(() => ({ ...firstPage, cursor }), [firstPage, cursor]);

  const [storedTrail, setTrail] = useState<CursorTrail>({ filtersKey, cursors: [] });
  const trail = storedTrail.filtersKey === filtersKey ? storedTrail.cursors : [];

  const updateParams = useCallback(
    (changes: Record<string, string | null>, resetPage = true) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value === null || value === '') next.delete(key);
            else next.set(key, value);
          }
          if (resetPage) next.delete('cursor');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const leads = useLeads(filters);
  const page = leads.data;
  // The first page counts the matches (the API does it without a cursor); later pages reuse that count.
  const total = page?.total ?? queryClient.getQueryData<LeadPage>(leadKeys.list(firstPage))?.total ?? null;
  // After a reload on a later page the pages before it are unknown: "previous" then goes to the first page.
  const pageNumber = cursor && trail.length === 0 ? null : trail.length + 1;
  // More than LIST_TOTAL_CAP leads match: the count stops there, the pages go on.
  const capped =
    (page?.totalCapped ?? queryClient.getQueryData<LeadPage>(leadKeys.list(firstPage))?.totalCapped) === true;
  const hasFilters = FILTER_KEYS.some((key) => key !== 'sort' && list[key] !== undefined);
  const named = page?.items.find((lead) => lead.adNames)?.adNames ?? null;
  // Names a link brought along (the Marketing Hub's), for when no lead on this page names the campaign or ad.
  const linkedNames = {
    campaignName: params.get(FILTER_NAME_KEYS.campaignId)?.trim() || null,
    adName: params.get(FILTER_NAME_KEYS.adId)?.trim() || null,
  };

  const goNext = () => {
    if (!page?.nextCursor) return;
    setTrail({ filtersKey, cursors: [...trail, cursor ?? null] });
    updateParams({ cursor: page.nextCursor }, false);
  };
  const goPrevious = () => {
    const previous = trail.length > 0 ? trail[trail.length - 1]! : null;
    setTrail({ filtersKey, cursors: trail.slice(0, -1) });
    updateParams({ cursor: previous }, false);
  };

  const selectLead = (id: string | null) => updateParams({ lead: id }, false);
  const role = useOptionalCurrentUser()?.role;
  const canImport = role === 'ceo' || role === 'professional';

  return (
    <div>
      <PageHeader
        title={t('leads.title')}
        description={t('leads.description')}
        actions={
          <div className="flex flex-wrap gap-2">
            {canImport ? (
              <Link to="/leads/import" className="btn-secondary" data-testid="leads-import">
                <UploadIcon size={16} />
                {t('leadImport.open')}
              </Link>
            ) : null}
            <button
              type="button"
              data-testid="new-lead-button"
              className="btn-primary"
              onClick={() => {
                setCreatedName(null);
                setCreating(true);
              }}
            >
              <AddIcon aria-hidden="true" size={16} />
              {t('newLead.open')}
            </button>
          </div>
        }
      />
      {createdName ? (
        <div className="mb-4">
          <Notice tone="success" testId="new-lead-notice">
            {t('newLead.created', { name: createdName })}
          </Notice>
        </div>
      ) : null}
      {creating ? (
        <NewLeadDialog
          onCancel={() => setCreating(false)}
          onCreated={(lead) => {
            setCreating(false);
            setCreatedName(lead.name);
            selectLead(lead.id);
          }}
        />
      ) : null}

      <LeadFiltersBar
        params={list}
        campaignName={
          (named?.campaignId === list.campaignId ? named?.campaignName : null) || linkedNames.campaignName
        }
        adName={(named?.adId === list.adId ? named?.adName : null) || linkedNames.adName}
        onChange={updateParams}
      />

      <div className={`grid grid-cols-1 gap-4 ${selectedLeadId ? 'xl:grid-cols-[minmax(0,1fr)_400px]' : ''}`}>
        <section className="card overflow-hidden" aria-busy={leads.isFetching}>
          {leads.isPending ? (
            <SkeletonTable columns={6} />
          ) : leads.isError ? (
            <ErrorState error={leads.error} onRetry={() => void leads.refetch()} />
          ) : page && page.items.length === 0 && !cursor ? (
            <EmptyState
              title={hasFilters ? t('leads.empty.filteredTitle') : t('leads.empty.title')}
              description={hasFilters ? t('leads.empty.filteredDescription') : t('leads.empty.description')}
            />
          ) : page ? (
            <>
              <TableContainer label={t('leads.tableCaption')}>
                <table data-testid="leads-table" data-total={total ?? undefined} className="table-base">
                  <caption className="sr-only">{t('leads.tableCaption')}</caption>
                  <thead className="bg-slate-50">
                    <tr>
                      <th scope="col" className="th">
                        {t('leads.columns.name')}
                      </th>
                      <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.phone]}`}>
                        {t('leads.columns.phone')}
                      </th>
                      <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.source]}`}>
                        {t('leads.columns.source')}
                      </th>
                      <th scope="col" className="th">
                        {t('leads.columns.status')}
                      </th>
                      <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.ad]}`}>
                        {t('leadList.campaignAd')}
                      </th>
                      <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.createdAt]}`}>
                        {t('leads.columns.createdAt')}
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100 bg-white">
                    {page.items.map((lead) => {
                      const selected = lead.id === selectedLeadId;
                      return (
                        <tr
                          key={lead.id}
                          data-testid={`lead-row-${lead.id}`}
                          data-status={lead.status}
                          aria-selected={selected}
                          onClick={() => selectLead(lead.id)}
                          className={`cursor-pointer transition-colors ${selected ? 'bg-indigo-50' : 'hover:bg-slate-50'}`}
                        >
                          <td className="td font-medium whitespace-normal text-slate-900">
                            <button
                              type="button"
                              onClick={(event) => {
                                event.stopPropagation();
                                selectLead(lead.id);
                              }}
                              className="text-left hover:text-indigo-700 focus-visible:underline focus-visible:outline-none"
                            >
                              {lead.name}
                            </button>
                            <Link
                              to={`/leads/${lead.id}`}
                              onClick={(event) => event.stopPropagation()}
                              aria-label={t('lead360.open', { name: lead.name })}
                              className="ml-1.5 inline-flex align-middle text-slate-400 hover:text-indigo-700"
                            >
                              <OpenIcon aria-hidden="true" size={14} />
                            </Link>
                            <span className="text-xs font-normal text-slate-500">
                              <span className={`tabular-nums ${ONLY_BELOW[COLUMNS.phone]}`}>
                                {lead.phone}
                              </span>
                              <span className={ONLY_BELOW[COLUMNS.source]}>
                                {t(`leadSource.${lead.leadSource}`)}
                              </span>
                              <time dateTime={lead.createdAt} className={ONLY_BELOW[COLUMNS.createdAt]}>
                                {format.dateTime(lead.createdAt)}
                              </time>
                              {lead.adNames?.campaignName ? (
                                <span className={`truncate ${ONLY_BELOW[COLUMNS.ad]}`}>
                                  {lead.adNames.campaignName}
                                </span>
                              ) : null}
                            </span>
                          </td>
                          <td className={`td tabular-nums ${HIDDEN_BELOW[COLUMNS.phone]}`}>{lead.phone}</td>
                          <td className={`td ${HIDDEN_BELOW[COLUMNS.source]}`}>
                            {t(`leadSource.${lead.leadSource}`)}
                          </td>
                          <td className="td">
                            <LeadStatusBadge status={lead.status} />
                          </td>
                          <td className={`td ${HIDDEN_BELOW[COLUMNS.ad]}`}>
                            <AdNamesCell lead={lead} />
                          </td>
                          <td className={`td ${HIDDEN_BELOW[COLUMNS.createdAt]}`}>
                            <time dateTime={lead.createdAt}>{format.dateTime(lead.createdAt)}</time>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableContainer>
              <PagingBar
                testIdPrefix="leads"
                summary={
                  total !== null && pageNumber !== null
                    ? paging.summary({
                        from: total === 0 ? 0 : (pageNumber - 1) * PAGE_SIZE + 1,
                        to: Math.min(total, (pageNumber - 1) * PAGE_SIZE + page.items.length),
                        total,
                        capped,
                      })
                    : total !== null
                      ? t('leadList.totalOnly', { count: total, total: format.integer(total) })
                      : null
                }
                position={
                  pageNumber === null
                    ? null
                    : total !== null
                      ? paging.position({
                          page: pageNumber,
                          pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
                          capped,
                        })
                      : t('leadList.pageOnly', { page: format.integer(pageNumber) })
                }
                hasPrevious={Boolean(cursor)}
                hasNext={Boolean(page.nextCursor)}
                onPrevious={goPrevious}
                onNext={goNext}
              />
            </>
          ) : null}
        </section>
        {selectedLeadId ? (
          <LeadDetailPanel leadId={selectedLeadId} onClose={() => selectLead(null)} onOpenLead={selectLead} />
        ) : null}
      </div>
    </div>
  );
}
