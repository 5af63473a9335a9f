import type { TFunction } from 'i18next';
import type { HsmTimelineStatus, TimelineEntry } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '../../components/badge';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import {
  AssignIcon,
  CreatedIcon,
  DeadlineIcon,
  HsmIcon,
  LostIcon,
  MessageInIcon,
  MessageOutIcon,
  OpportunityIcon,
  OptedInIcon,
  OptedOutIcon,
  RefundIcon,
  SaleIcon,
  StatusIcon,
  WonIcon,
  type Icon,
} from '../../components/icons';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters, type Formatters } from '../../lib/format';
import { useLeadTimeline } from './lead-360-api';

const ICONS: Record<TimelineEntry['kind'], { icon: Icon; tone: string }> = {
  created: { icon: CreatedIcon, tone: 'bg-indigo-50 text-indigo-600' },
  status_changed: { icon: StatusIcon, tone: 'bg-sky-50 text-sky-600' },
  assigned: { icon: AssignIcon, tone: 'bg-slate-100 text-slate-600' },
  opportunity_created: { icon: OpportunityIcon, tone: 'bg-amber-50 text-amber-600' },
  opportunity_won: { icon: WonIcon, tone: 'bg-emerald-50 text-emerald-600' },
  opportunity_lost: { icon: LostIcon, tone: 'bg-rose-50 text-rose-600' },
  opportunity_deadline_moved: { icon: DeadlineIcon, tone: 'bg-amber-50 text-amber-600' },
  sale_completed: { icon: SaleIcon, tone: 'bg-emerald-50 text-emerald-600' },
  sale_refunded: { icon: RefundIcon, tone: 'bg-slate-100 text-slate-600' },
  hsm_sent: { icon: HsmIcon, tone: 'bg-emerald-50 text-emerald-600' },
  message_in: { icon: MessageInIcon, tone: 'bg-emerald-50 text-emerald-600' },
  message_out: { icon: MessageOutIcon, tone: 'bg-emerald-50 text-emerald-600' },
  opted_out: { icon: OptedOutIcon, tone: 'bg-rose-50 text-rose-600' },
  opted_in: { icon: OptedInIcon, tone: 'bg-emerald-50 text-emerald-600' },
};

const HSM_TONES: Record<HsmTimelineStatus, BadgeTone> = {
  sent: 'info',
  delivered: 'accent',
  read: 'success',
  failed: 'danger',
  unknown: 'neutral',
};

type T = TFunction;

/** What happened, in words (names, amounts and dates formatted for the tenant; never a code). */
export function describeEntry(entry: TimelineEntry, t: T, format: Formatters): string {
  switch (entry.kind) {
    case 'created':
      return t(`lead360.timeline.created.${entry.origin?.channel ?? 'other'}`);
    case 'status_changed':
      return entry.from
        ? t('lead360.timeline.statusChanged', {
            from: t(`leadStatus.${entry.from}`),
            to: t(`leadStatus.${entry.to}`),
          })
        : t('lead360.timeline.statusSet', { to: t(`leadStatus.${entry.to}`) });
    case 'assigned':
      if (!entry.toUserId) return t('lead360.timeline.unassigned');
      return t(entry.reason === 'round_robin' ? 'lead360.timeline.roundRobin' : 'lead360.timeline.assigned', {
        name: entry.toName ?? t('lead360.timeline.someone'),
      });
    case 'opportunity_created':
      return t('lead360.timeline.opportunityCreated', {
        title: entry.opportunity.title,
        value: format.money(entry.opportunity.value, entry.opportunity.currency),
      });
    case 'opportunity_won':
      return t('lead360.timeline.opportunityWon', { title: entry.opportunity.title });
    case 'opportunity_lost':
      return entry.lostReason
        ? t('lead360.timeline.opportunityLostReason', {
            title: entry.opportunity.title,
            reason: entry.lostReason,
          })
        : t('lead360.timeline.opportunityLost', { title: entry.opportunity.title });
    case 'opportunity_deadline_moved':
      return t('lead360.timeline.deadlineMoved', {
        title: entry.opportunity.title,
        from: entry.from ? format.dateTime(entry.from) : t('lead360.timeline.noDeadline'),
        to: entry.to ? format.dateTime(entry.to) : t('lead360.timeline.noDeadline'),
      });
    case 'sale_completed':
      return t('lead360.timeline.saleCompleted', {
        amount: format.money(entry.sale.amount, entry.sale.currency),
      });
    case 'sale_refunded':
      return t('lead360.timeline.saleRefunded', {
        amount: format.money(entry.sale.amount, entry.sale.currency),
      });
    case 'hsm_sent':
      return entry.hsm.templateName
        ? t('lead360.timeline.hsmSent', { template: entry.hsm.templateName })
        : t('lead360.timeline.hsmSentUnnamed');
    case 'message_in':
      return t('lead360.timeline.messageIn', { text: entry.message.text ?? '' });
    case 'message_out':
      return t('lead360.timeline.messageOut', { text: entry.message.text ?? '' });
    case 'opted_out':
      return t(`lead360.timeline.optedOut.${entry.optOut.source}`, { text: entry.optOut.text ?? '' });
    case 'opted_in':
      return t('lead360.timeline.optedIn');
  }
}

function actorOf(entry: TimelineEntry, t: T): string {
  if (entry.actorName) return t('lead360.timeline.by', { name: entry.actorName });
  if (entry.kind === 'assigned' && entry.reason === 'round_robin') return t('lead360.timeline.byRoundRobin');
  if (entry.kind === 'hsm_sent') return t('lead360.timeline.byAutomation');
  return t('lead360.timeline.bySystem');
}

export function LeadTimeline({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const timeline = useLeadTimeline(leadId);

  if (timeline.isPending) {
    return (
      <div className="space-y-3 p-5" role="status" data-testid="timeline-loading">
        <span className="sr-only">{t('common.loading')}</span>
        <SkeletonBlock className="h-4 w-2/3" />
        <SkeletonBlock className="h-4 w-1/2" />
        <SkeletonBlock className="h-4 w-3/5" />
      </div>
    );
  }
  if (timeline.isError) {
    return <ErrorState error={timeline.error} onRetry={() => void timeline.refetch()} />;
  }
  const entries = timeline.data.pages.flatMap((page) => page.items);
  const unavailable = timeline.data.pages[0]?.unavailable ?? [];
  return (
    <div className="p-5">
      {unavailable.includes('hsm') ? (
        <p className="mb-3 text-xs text-amber-700" data-testid="timeline-partial">
          {t('lead360.timeline.hsmUnavailable')}
        </p>
      ) : null}
      {entries.length === 0 ? (
        <EmptyState title={t('lead360.timeline.empty')} />
      ) : (
        <ol className="relative space-y-4 border-l border-slate-200 pl-6" data-testid="timeline">
          {entries.map((entry) => {
            const { icon: EntryIcon, tone } = ICONS[entry.kind];
            return (
              <li key={entry.id} data-testid={`timeline-${entry.kind}`} className="relative">
                <span
                  aria-hidden="true"
                  className={`absolute -left-[37px] flex h-6 w-6 items-center justify-center rounded-full ring-4 ring-white ${tone}`}
                >
                  <EntryIcon size={14} />
                </span>
                <div className="flex flex-wrap items-center gap-2">
                  <p className="text-sm text-slate-900">{describeEntry(entry, t, format)}</p>
                  {entry.kind === 'hsm_sent' ? (
                    <Badge tone={HSM_TONES[entry.hsm.status]}>
                      {t(`lead360.hsmStatus.${entry.hsm.status}`)}
                    </Badge>
                  ) : null}
                </div>
                <p className="mt-0.5 text-xs text-slate-500">
                  <time dateTime={entry.at}>{format.dateTime(entry.at)}</time> · {actorOf(entry, t)}
                </p>
              </li>
            );
          })}
        </ol>
      )}
      {timeline.hasNextPage ? (
        <button
          type="button"
          className="btn-secondary mt-4"
          disabled={timeline.isFetchingNextPage}
          onClick={() => void timeline.fetchNextPage()}
        >
          {timeline.isFetchingNextPage ? t('common.loading') : t('lead360.timeline.more')}
        </button>
      ) : null}
    </div>
  );
}
