import { LEAD_SOURCES, LEAD_STATUSES, type LeadSource, type LeadStatus } from '@crm/contracts/browser';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { HIDDEN_BELOW, ONLY_BELOW, TableContainer } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { AddIcon, OpenIcon, UploadIcon } from '../../components/icons';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { SkeletonTable } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useSignedInUser } from '../auth/session';
import { AdNamesCell } from '../lead-360/ad-names-cell';
import { LeadDetailPanel } from './lead-detail-panel';
import { LeadStatusBadge } from './lead-labels';
import { useLeads, type LeadFilters } from './leads-api';
import { NewLeadDialog } from './new-lead-dialog';

const PAGE_SIZE = 20;
const SEARCH_DEBOUNCE_MS = 300;

/**
 * Name and status always show; phone, date, source and the Meta ad join as the table gets room (a phone shows
 * them under the name instead; the ad id is in the lead's detail).
 */
const COLUMNS = { phone: 'lg', createdAt: 'xl', source: '3xl', metaAdId: '4xl' } as const;

function parseStatus(value: string | null): LeadStatus | undefined {
  return LEAD_STATUSES.find((status) => status === value);
}

function parseSource(value: string | null): LeadSource | undefined {
  return LEAD_SOURCES.find((source) => source === value);
}

function parsePage(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

export function LeadsPage() {
  const { t } = useTranslation();
  const format = useFormatters();
  const [params, setParams] = useSearchParams();
  const statusId = useId();
  const sourceId = useId();
  const searchId = useId();

  const filters: LeadFilters = {
    page: parsePage(params.get('page')),
    pageSize: PAGE_SIZE,
    status: parseStatus(params.get('status')),
    source: parseSource(params.get('source')),
    search: params.get('search')?.trim() || undefined,
  };
  const selectedLeadId = params.get('lead');
  const [searchText, setSearchText] = useState(filters.search ?? '');
  const [creating, setCreating] = useState(false);
  const [createdName, setCreatedName] = useState<string | null>(null);

  const updateParams = (changes: Record<string, string | null>, resetPage = true) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === '') next.delete(key);
          else next.set(key, value);
        }
        if (resetPage) next.delete('page');
        return next;
      },
      { replace: true },
    );
  };

  const currentSearch = filters.search ?? '';
  useEffect(() => {
    if (searchText.trim() === currentSearch) return;
    const timer = window.setTimeout(() => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          const value = searchText.trim();
          if (value) next.set('search', value);
          else next.delete('search');
          next.delete('page');
          return next;
        },
        { replace: true },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [searchText, currentSearch, setParams]);

  const leads = useLeads(filters);
  const page = leads.data;
  const totalPages = page ? Math.max(1, Math.ceil(page.total / page.pageSize)) : 1;
  // More than LEAD_TOTAL_CAP leads match: the count stops there, the pages go on.
  const capped = page?.totalCapped === true;
  const firstItem = page && page.total > 0 ? (page.page - 1) * page.pageSize + 1 : 0;
  const lastItem = page ? Math.min(page.total, page.page * page.pageSize) : 0;
  const hasFilters = Boolean(filters.status || filters.source || filters.search);

  const selectLead = (id: string | null) => updateParams({ lead: id }, false);
  const role = useSignedInUser()?.role;
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

      <div className="card mb-4 grid gap-3 p-4 sm:grid-cols-3">
        <div className="space-y-1">
          <label htmlFor={searchId} className="label">
            {t('leads.filters.search')}
          </label>
          <input
            id={searchId}
            type="search"
            data-testid="leads-search"
            value={searchText}
            placeholder={t('leads.filters.searchPlaceholder')}
            onChange={(event) => setSearchText(event.target.value)}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={statusId} className="label">
            {t('leads.filters.status')}
          </label>
          <select
            id={statusId}
            data-testid="leads-filter-status"
            value={filters.status ?? ''}
            onChange={(event) => updateParams({ status: event.target.value || null })}
            className="input"
          >
            <option value="">{t('leads.filters.allStatuses')}</option>
            {LEAD_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`leadStatus.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={sourceId} className="label">
            {t('leads.filters.source')}
          </label>
          <select
            id={sourceId}
            data-testid="leads-filter-source"
            value={filters.source ?? ''}
            onChange={(event) => updateParams({ source: event.target.value || null })}
            className="input"
          >
            <option value="">{t('leads.filters.allSources')}</option>
            {LEAD_SOURCES.map((source) => (
              <option key={source} value={source}>
                {t(`leadSource.${source}`)}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className={`grid grid-cols-1 gap-4 ${selectedLeadId ? 'xl:grid-cols-[minmax(0,1fr)_400px]' : ''}`}>
        <section className="card overflow-hidden" aria-busy={leads.isFetching}>
          {leads.isPending ? (
            <SkeletonTable columns={6} />
          ) : leads.isError ? (
            <ErrorState error={leads.error} onRetry={() => void leads.refetch()} />
          ) : page && page.items.length === 0 ? (
            <EmptyState
              title={hasFilters ? t('leads.empty.filteredTitle') : t('leads.empty.title')}
              description={hasFilters ? t('leads.empty.filteredDescription') : t('leads.empty.description')}
            />
          ) : page ? (
            <>
              <TableContainer label={t('leads.tableCaption')}>
                <table data-testid="leads-table" data-total={page.total} className="table-base">
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
                      <th scope="col" className={`th ${HIDDEN_BELOW[COLUMNS.metaAdId]}`}>
                        {t('lead360.columns.campaignAd')}
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
                          <td className="td font-medium text-slate-900">
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
                            </span>
                          </td>
                          <td className={`td tabular-nums ${HIDDEN_BELOW[COLUMNS.phone]}`}>{lead.phone}</td>
                          <td className={`td ${HIDDEN_BELOW[COLUMNS.source]}`}>
                            {t(`leadSource.${lead.leadSource}`)}
                          </td>
                          <td className="td">
                            <LeadStatusBadge status={lead.status} />
                          </td>
                          <td className={`td text-sm ${HIDDEN_BELOW[COLUMNS.metaAdId]}`}>
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
              <nav
                aria-label={t('pagination.label')}
                className="flex flex-col items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-600 sm:flex-row"
              >
                <p>
                  {t(capped ? 'leadTotals.summaryCapped' : 'pagination.summary', {
                    from: format.integer(firstItem),
                    to: format.integer(lastItem),
                    total: format.integer(page.total),
                  })}
                </p>
                <div className="flex items-center gap-2">
                  <button
                    type="button"
                    data-testid="leads-prev-page"
                    className="btn-secondary"
                    disabled={page.page <= 1}
                    onClick={() => updateParams({ page: String(page.page - 1) }, false)}
                  >
                    {t('pagination.previous')}
                  </button>
                  <span className="tabular-nums">
                    {t(capped ? 'leadTotals.pageCapped' : 'pagination.page', {
                      page: format.integer(page.page),
                      pages: format.integer(totalPages),
                    })}
                  </span>
                  <button
                    type="button"
                    data-testid="leads-next-page"
                    className="btn-secondary"
                    disabled={page.page >= totalPages && !capped}
                    onClick={() => updateParams({ page: String(page.page + 1) }, false)}
                  >
                    {t('pagination.next')}
                  </button>
                </div>
              </nav>
            </>
          ) : null}
        </section>
        {selectedLeadId ? <LeadDetailPanel leadId={selectedLeadId} onClose={() => selectLead(null)} /> : null}
      </div>
    </div>
  );
}
