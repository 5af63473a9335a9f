import {
  OPPORTUNITY_STATUSES,
  type OpportunityBoardColumn,
  type OpportunityStatus,
  type OpportunityView,
} from '@crm/contracts/browser';
import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { ErrorState } from '../../components/error-state';
import { Notice } from '../../components/notice';
import { AddIcon } from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { useFormatters } from '../../lib/format';
import { LostReasonDialog, NewOpportunityDialog, RecordSaleDialog } from './opportunity-dialogs';
import {
  useChangeOpportunityStatus,
  useCreateOpportunity,
  useOpportunityBoard,
  useRecordSale,
} from './opportunities-api';

const DRAG_TYPE = 'application/x-crm-opportunity';

const COLUMN_ACCENT: Record<OpportunityStatus, string> = {
  pending: 'border-t-sky-400',
  won: 'border-t-emerald-500',
  lost: 'border-t-rose-400',
};

type Pending =
  { kind: 'lost'; opportunity: OpportunityView } | { kind: 'sale'; opportunity: OpportunityView };

export function OpportunitiesPage() {
  const { t } = useTranslation();
  const board = useOpportunityBoard();
  const changeStatus = useChangeOpportunityStatus();
  const recordSale = useRecordSale();
  const createOpportunity = useCreateOpportunity();
  const [pending, setPending] = useState<Pending | null>(null);
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'danger'; text: string } | null>(null);

  const failed = (error: unknown) =>
    setMessage({ tone: 'danger', text: isApiError(error) ? error.message : t('errors.generic') });

  const move = (opportunity: OpportunityView, status: OpportunityStatus) => {
    if (opportunity.status === status) return;
    setMessage(null);
    if (status === 'lost') {
      setPending({ kind: 'lost', opportunity });
      return;
    }
    changeStatus.mutate(
      { id: opportunity.id, status },
      {
        onSuccess: (updated) => {
          if (updated.status === 'won') setPending({ kind: 'sale', opportunity: updated });
        },
        onError: failed,
      },
    );
  };

  const findCard = (id: string): OpportunityView | undefined =>
    board.data?.columns.flatMap((column) => column.cards).find((card) => card.id === id);

  return (
    <div>
      <PageHeader
        title={t('opportunities.title')}
        description={t('opportunities.description')}
        actions={
          <button
            type="button"
            data-testid="new-opportunity-button"
            className="btn-primary"
            onClick={() => {
              createOpportunity.reset();
              setMessage(null);
              setCreating(true);
            }}
          >
            <AddIcon aria-hidden="true" size={16} />
            {t('newOpportunity.open')}
          </button>
        }
      />
      {message ? (
        <div className="mb-4">
          <Notice tone={message.tone} testId="opportunities-notice">
            {message.text}
          </Notice>
        </div>
      ) : null}
      {board.isError ? (
        <ErrorState error={board.error} onRetry={() => void board.refetch()} />
      ) : (
        <div
          className="grid gap-4 md:grid-cols-3"
          data-testid="opportunity-board"
          aria-busy={board.isPending}
        >
          {(board.data?.columns ?? OPPORTUNITY_STATUSES.map(emptyColumn)).map((column) => (
            <BoardColumn
              key={column.status}
              column={column}
              loading={board.isPending}
              onDropCard={(id) => {
                const card = findCard(id);
                if (card) move(card, column.status);
              }}
              onMove={move}
            />
          ))}
        </div>
      )}
      {creating ? (
        <NewOpportunityDialog
          busy={createOpportunity.isPending}
          error={
            !createOpportunity.error
              ? null
              : isApiError(createOpportunity.error) && createOpportunity.error.status === 404
                ? t('newOpportunity.errors.leadGone')
                : isApiError(createOpportunity.error) && createOpportunity.error.status === 400
                  ? t('newOpportunity.errors.invalid')
                  : t('errors.generic')
          }
          onCancel={() => setCreating(false)}
          onConfirm={(opportunity) =>
            createOpportunity.mutate(opportunity, {
              onSuccess: (created) => {
                setCreating(false);
                setMessage({ tone: 'success', text: t('newOpportunity.created', { title: created.title }) });
              },
            })
          }
        />
      ) : null}
      {pending?.kind === 'lost' ? (
        <LostReasonDialog
          opportunity={pending.opportunity}
          busy={changeStatus.isPending}
          onCancel={() => setPending(null)}
          onConfirm={(lostReason) =>
            changeStatus.mutate(
              { id: pending.opportunity.id, status: 'lost', lostReason },
              { onSettled: () => setPending(null), onError: failed },
            )
          }
        />
      ) : null}
      {pending?.kind === 'sale' ? (
        <RecordSaleDialog
          opportunity={pending.opportunity}
          busy={recordSale.isPending}
          onSkip={() => setPending(null)}
          onConfirm={(amount) =>
            recordSale.mutate(
              {
                leadId: pending.opportunity.leadId,
                opportunityId: pending.opportunity.id,
                amount,
                currency: pending.opportunity.currency,
              },
              {
                onSuccess: () =>
                  setMessage({ tone: 'success', text: t('opportunities.saleDialog.recorded') }),
                onError: failed,
                onSettled: () => setPending(null),
              },
            )
          }
        />
      ) : null}
    </div>
  );
}

function emptyColumn(status: OpportunityStatus): OpportunityBoardColumn {
  return { status, count: 0, totals: [], cards: [] };
}

type BoardColumnProps = {
  column: OpportunityBoardColumn;
  loading: boolean;
  onDropCard: (id: string) => void;
  onMove: (opportunity: OpportunityView, status: OpportunityStatus) => void;
};

function BoardColumn({ column, loading, onDropCard, onMove }: BoardColumnProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const [over, setOver] = useState(false);

  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    setOver(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const id = event.dataTransfer.getData(DRAG_TYPE);
    if (id) onDropCard(id);
  };

  return (
    <section
      aria-label={t(`opportunityStatus.${column.status}`)}
      data-testid={`board-column-${column.status}`}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      className={`card flex min-h-64 flex-col border-t-4 ${COLUMN_ACCENT[column.status]} ${over ? 'ring-2 ring-indigo-300' : ''}`}
    >
      <header className="border-b border-slate-100 px-4 py-3">
        <div className="flex items-center justify-between">
          <h2 className="text-sm font-semibold text-slate-900">{t(`opportunityStatus.${column.status}`)}</h2>
          <span className="text-xs text-slate-500" data-testid="column-count">
            {t('opportunities.count', { count: column.count })}
          </span>
        </div>
        <p className="mt-1 text-xs text-slate-600" data-testid="column-totals">
          {column.totals.length === 0
            ? t('common.none')
            : column.totals.map((total) => format.money(total.value, total.currency)).join(' · ')}
        </p>
      </header>
      <ul className="flex flex-1 flex-col gap-2 p-3">
        {loading ? <li className="text-sm text-slate-500">{t('common.loading')}</li> : null}
        {!loading && column.cards.length === 0 ? (
          <li className="text-sm text-slate-400">{t('opportunities.emptyColumn')}</li>
        ) : null}
        {column.cards.map((card) => (
          <OpportunityCard key={card.id} opportunity={card} onMove={onMove} />
        ))}
        {column.count > column.cards.length ? (
          <li className="text-xs text-slate-500">
            {t('opportunities.more', { count: column.count - column.cards.length })}
          </li>
        ) : null}
      </ul>
    </section>
  );
}

function OpportunityCard({
  opportunity,
  onMove,
}: {
  opportunity: OpportunityView;
  onMove: (opportunity: OpportunityView, status: OpportunityStatus) => void;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <li
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData(DRAG_TYPE, opportunity.id);
        event.dataTransfer.effectAllowed = 'move';
      }}
      data-testid="opportunity-card"
      data-id={opportunity.id}
      className="cursor-grab rounded-lg border border-slate-200 bg-white p-3 shadow-sm active:cursor-grabbing"
    >
      <p className="text-sm font-medium text-slate-900">{opportunity.title}</p>
      <p className="text-xs text-slate-500">{opportunity.leadName}</p>
      <p className="mt-1 text-sm font-semibold text-slate-800">
        {format.money(opportunity.value, opportunity.currency)}
      </p>
      <dl className="mt-1 space-y-0.5 text-xs text-slate-500">
        {opportunity.deadline ? (
          <div>
            <dt className="inline">{t('opportunities.deadline')}: </dt>
            <dd className="inline">{format.dateTime(opportunity.deadline)}</dd>
          </div>
        ) : null}
        {opportunity.ownerName ? (
          <div>
            <dt className="inline">{t('opportunities.owner')}: </dt>
            <dd className="inline">{opportunity.ownerName}</dd>
          </div>
        ) : null}
        {opportunity.lostReason ? (
          <div>
            <dt className="inline">{t('opportunities.lostReason')}: </dt>
            <dd className="inline">{opportunity.lostReason}</dd>
          </div>
        ) : null}
      </dl>
      <label className="mt-2 flex items-center gap-2 text-xs text-slate-600">
        {t('opportunities.moveTo')}
        <select
          className="rounded border border-slate-300 px-1 py-0.5 text-xs"
          value={opportunity.status}
          onChange={(event) => {
            const status = OPPORTUNITY_STATUSES.find((value) => value === event.target.value);
            if (status) onMove(opportunity, status);
          }}
        >
          {OPPORTUNITY_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`opportunityStatus.${status}`)}
            </option>
          ))}
        </select>
      </label>
    </li>
  );
}
