import type { AgendaItem } from '@crm/contracts/browser';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { ChevronLeftIcon, ChevronRightIcon } from '../../components/icons';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useAgenda } from './agenda-api';
import { addDays, localDayKey, startOfWeek } from './week';

type AgendaPageProps = { today?: Date };

export function AgendaPage({ today }: AgendaPageProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const [weekStart, setWeekStart] = useState(() => startOfWeek(today ?? new Date()));
  const weekEnd = addDays(weekStart, 7);
  const agenda = useAgenda(weekStart.toISOString(), weekEnd.toISOString());

  const days = useMemo(() => {
    const byDay = new Map<string, AgendaItem[]>();
    for (const item of agenda.data?.items ?? []) {
      const key = localDayKey(new Date(item.deadline));
      byDay.set(key, [...(byDay.get(key) ?? []), item]);
    }
    return [...byDay.entries()];
  }, [agenda.data]);

  return (
    <div className="space-y-6">
      <PageHeader title={t('agenda.title')} description={t('agenda.description')} />
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn-secondary" onClick={() => setWeekStart(addDays(weekStart, -7))}>
          <ChevronLeftIcon aria-hidden="true" size={16} />
          {t('agenda.previousWeek')}
        </button>
        <p data-testid="agenda-week" className="text-sm font-medium text-slate-700 tabular-nums">
          {t('agenda.week', {
            from: format.isoDate(localDayKey(weekStart)),
            to: format.isoDate(localDayKey(addDays(weekEnd, -1))),
          })}
        </p>
        <button type="button" className="btn-secondary" onClick={() => setWeekStart(addDays(weekStart, 7))}>
          {t('agenda.nextWeek')}
          <ChevronRightIcon aria-hidden="true" size={16} />
        </button>
      </div>
      <p className="text-xs text-slate-500">{t('agenda.callsNote')}</p>
      <section className="card">
        {agenda.isPending ? (
          <div role="status" className="space-y-3 p-5">
            <span className="sr-only">{t('common.loading')}</span>
            <SkeletonBlock className="h-5 w-48" />
            <SkeletonBlock className="h-24 w-full" />
          </div>
        ) : agenda.isError ? (
          <ErrorState error={agenda.error} onRetry={() => void agenda.refetch()} />
        ) : days.length === 0 ? (
          <EmptyState title={t('agenda.empty')} />
        ) : (
          <div className="divide-y divide-slate-200">
            {agenda.data.truncated ? <Notice tone="warning">{t('agenda.truncated')}</Notice> : null}
            {days.map(([day, items]) => (
              <section key={day} data-testid={`agenda-day-${day}`} className="p-4">
                <h2 className="mb-2 text-sm font-semibold text-slate-800">{format.isoDate(day)}</h2>
                <ul className="space-y-2">
                  {items.map((item) => (
                    <li
                      key={item.opportunityId}
                      className="flex flex-col gap-1 sm:flex-row sm:items-baseline sm:justify-between"
                    >
                      <div className="min-w-0">
                        <p className="font-medium break-words text-slate-900">{item.title}</p>
                        <p className="text-xs text-slate-500">
                          {t('agenda.itemMeta', {
                            lead: item.leadName,
                            owner: item.ownerName ?? t('agenda.noOwner'),
                          })}
                        </p>
                      </div>
                      <div className="text-sm text-slate-700 sm:text-right">
                        <p>{format.money(item.value, item.currency)}</p>
                        <p className="text-xs text-slate-500">{format.dateTime(item.deadline)}</p>
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
