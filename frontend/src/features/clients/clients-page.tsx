import type { MoneyTotal } from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { HIDDEN_BELOW, ONLY_BELOW, TableContainer } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { PageHeader } from '../../components/page-header';
import { PagingBar } from '../../components/paging-bar';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { usePagingText } from '../../lib/paging-text';
import { CLIENTS_PAGE_SIZE, useClients } from './clients-api';

function Revenue({ totals }: { totals: MoneyTotal[] }) {
  const format = useFormatters();
  return (
    <ul className="space-y-0.5">
      {totals.map((total) => (
        <li key={total.currency}>{format.money(total.value, total.currency)}</li>
      ))}
    </ul>
  );
}

export function ClientsPage() {
  const { t } = useTranslation();
  const paging = usePagingText();
  const format = useFormatters();
  const searchId = useId();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [searchText, setSearchText] = useState('');
  const clients = useClients({ page, search: search || undefined });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch(searchText.trim());
    setPage(1);
  };

  const data = clients.data;
  const totalPages = data ? Math.max(1, Math.ceil(data.total / CLIENTS_PAGE_SIZE)) : 1;

  return (
    <div className="space-y-6">
      <PageHeader title={t('clients.title')} description={t('clients.description')} />
      <form role="search" onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <label htmlFor={searchId} className="sr-only">
          {t('clients.search')}
        </label>
        <input
          id={searchId}
          type="search"
          className="input max-w-sm"
          placeholder={t('clients.searchPlaceholder')}
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
        />
        <button type="submit" className="btn-secondary">
          {t('clients.search')}
        </button>
      </form>
      <section className="card">
        {clients.isPending ? (
          <div role="status" className="space-y-3 p-5">
            <span className="sr-only">{t('common.loading')}</span>
            <SkeletonBlock className="h-5 w-48" />
            <SkeletonBlock className="h-24 w-full" />
          </div>
        ) : clients.isError ? (
          <ErrorState error={clients.error} onRetry={() => void clients.refetch()} />
        ) : clients.data.items.length === 0 ? (
          <EmptyState title={search ? t('clients.noMatches') : t('clients.empty')} />
        ) : (
          <>
            <TableContainer label={t('clients.caption')}>
              <table data-testid="clients-table" className="table-base">
                <caption className="sr-only">{t('clients.caption')}</caption>
                <thead className="bg-slate-50">
                  <tr>
                    <th scope="col" className="th">
                      {t('clients.columns.name')}
                    </th>
                    <th scope="col" className={`th ${HIDDEN_BELOW['2xl']}`}>
                      {t('clients.columns.seller')}
                    </th>
                    <th scope="col" className="th text-right">
                      {t('clients.columns.revenue')}
                    </th>
                    <th scope="col" className={`th text-right ${HIDDEN_BELOW.xl}`}>
                      {t('clients.columns.purchases')}
                    </th>
                    <th scope="col" className={`th ${HIDDEN_BELOW.lg}`}>
                      {t('clients.columns.lastPurchase')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {clients.data.items.map((client) => (
                    <tr key={client.leadId} data-testid={`client-row-${client.leadId}`}>
                      <td className="td">
                        <div className="font-medium text-slate-900">{client.name}</div>
                        <div className="text-xs text-slate-500">{client.phone}</div>
                        <div className={`text-xs text-slate-500 ${ONLY_BELOW.lg}`}>
                          {t('clients.lastPurchaseOn', { date: format.dateTime(client.lastPurchaseAt) })}
                        </div>
                      </td>
                      <td className={`td ${HIDDEN_BELOW['2xl']}`}>
                        {client.assignedUserName ?? t('clients.unassigned')}
                      </td>
                      <td className="td text-right">
                        <Revenue totals={client.revenue} />
                      </td>
                      <td className={`td text-right ${HIDDEN_BELOW.xl}`}>
                        {format.integer(client.purchases)}
                      </td>
                      <td className={`td ${HIDDEN_BELOW.lg}`}>{format.dateTime(client.lastPurchaseAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableContainer>
            <PagingBar
              summary={paging.summary({
                from: (clients.data.page - 1) * CLIENTS_PAGE_SIZE + 1,
                to: (clients.data.page - 1) * CLIENTS_PAGE_SIZE + clients.data.items.length,
                total: clients.data.total,
                capped: clients.data.totalCapped,
              })}
              position={paging.position({ page, pages: totalPages, capped: data?.totalCapped === true })}
              hasPrevious={page > 1}
              hasNext={page < totalPages}
              onPrevious={() => setPage(page - 1)}
              onNext={() => setPage(page + 1)}
            />
          </>
        )}
      </section>
    </div>
  );
}
