import type { MoneyAmount } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useSellers } from './sellers-api';

function Amounts({ amounts }: { amounts: MoneyAmount[] }) {
  const { t } = useTranslation();
  const format = useFormatters();
  if (amounts.length === 0) return <span className="text-slate-400">{t('common.none')}</span>;
  return (
    <ul className="space-y-0.5">
      {amounts.map((item) => (
        <li key={item.currency}>{format.money(item.amount, item.currency)}</li>
      ))}
    </ul>
  );
}

export function SellersPage() {
  const { t } = useTranslation();
  const format = useFormatters();
  const sellers = useSellers();

  return (
    <div className="space-y-6">
      <PageHeader title={t('sellers.title')} description={t('sellers.description')} />
      <div className="card overflow-x-auto">
        {sellers.isPending ? (
          <div role="status" className="space-y-3 p-5">
            <span className="sr-only">{t('common.loading')}</span>
            <SkeletonBlock className="h-5 w-48" />
            <SkeletonBlock className="h-24 w-full" />
          </div>
        ) : sellers.isError ? (
          <ErrorState error={sellers.error} onRetry={() => void sellers.refetch()} />
        ) : sellers.data.length === 0 ? (
          <EmptyState title={t('sellers.empty')} />
        ) : (
          <table data-testid="sellers-table" className="table-base">
            <caption className="sr-only">{t('sellers.caption')}</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="th">
                  {t('sellers.columns.name')}
                </th>
                <th scope="col" className="th">
                  {t('sellers.columns.role')}
                </th>
                <th scope="col" className="th text-right">
                  {t('sellers.columns.openLeads')}
                </th>
                <th scope="col" className="th text-right">
                  {t('sellers.columns.openPipeline')}
                </th>
                <th scope="col" className="th text-right">
                  {t('sellers.columns.wonRevenue')}
                </th>
              </tr>
            </thead>
            <tbody>
              {sellers.data.map((seller) => (
                <tr key={seller.userId} data-testid={`seller-row-${seller.userId}`}>
                  <td className="td">
                    <div className="font-medium text-slate-900">{seller.name}</div>
                    <div className="text-xs text-slate-500">{seller.email}</div>
                  </td>
                  <td className="td">{t(`roles.${seller.role}`)}</td>
                  <td className="td text-right">{format.integer(seller.openLeads)}</td>
                  <td className="td text-right">
                    <Amounts amounts={seller.openPipeline} />
                  </td>
                  <td className="td text-right">
                    <Amounts amounts={seller.wonRevenue} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
