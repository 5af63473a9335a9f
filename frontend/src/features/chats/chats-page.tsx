import {
  CHAT_FILTERS,
  type ChatFilter,
  type ChatMessageStatus,
  type ChatMessageView,
  type ChatView,
  type TemplateView,
} from '@crm/contracts/browser';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { isApiError } from '../../api/http';
import { Badge } from '../../components/badge';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import {
  BackIcon,
  CheckIcon,
  DeliveredIcon,
  FailedIcon,
  QueuedIcon,
  SendIcon,
  UnknownIcon,
  type Icon,
} from '../../components/icons';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useCurrentUser } from '../auth/guards';
import { canUse } from '../auth/session';
import { fillTemplate, hoursLeft } from './chat-window';
import {
  useAssignableUsers,
  useChatTemplates,
  useChatThread,
  useChats,
  useMarkChatRead,
  useReassignChat,
  useSendChatMessage,
  type OutgoingMessage,
} from './chats-api';

function Loading() {
  const { t } = useTranslation();
  return (
    <div role="status" className="space-y-3 p-4">
      <span className="sr-only">{t('common.loading')}</span>
      <SkeletonBlock className="h-10 w-full" />
      <SkeletonBlock className="h-10 w-full" />
      <SkeletonBlock className="h-10 w-2/3" />
    </div>
  );
}

function WindowBadge({ chat }: { chat: ChatView }) {
  const { t } = useTranslation();
  return chat.windowOpen ? (
    <Badge tone="success" testId="window-open">
      {t('chats.window.openShort', { hours: hoursLeft(chat.windowEndsAt) })}
    </Badge>
  ) : (
    <Badge tone="neutral" testId="window-closed">
      {t('chats.window.closedShort')}
    </Badge>
  );
}

function ConversationList({
  filter,
  selected,
  onSelect,
}: {
  filter: ChatFilter;
  selected: string | null;
  onSelect: (leadId: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  const chats = useChats(filter);
  if (chats.isPending) return <Loading />;
  if (chats.isError) return <ErrorState error={chats.error} onRetry={() => void chats.refetch()} />;
  const items = chats.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return <EmptyState title={t('chats.empty.title')} description={t('chats.empty.description')} />;
  }
  return (
    <>
      <ul data-testid="chat-list" className="divide-y divide-slate-100">
        {items.map((chat) => (
          <li key={chat.leadId}>
            <button
              type="button"
              data-testid={`chat-${chat.leadId}`}
              aria-current={chat.leadId === selected ? 'true' : undefined}
              onClick={() => onSelect(chat.leadId)}
              className={`flex w-full flex-col gap-1 px-4 py-3 text-left hover:bg-slate-50 ${
                chat.leadId === selected ? 'bg-indigo-50' : ''
              }`}
            >
              <div className="flex items-center justify-between gap-2">
                <span className="truncate font-medium text-slate-900">{chat.leadName}</span>
                {chat.lastMessageAt ? (
                  <span className="shrink-0 text-xs text-slate-500">
                    {format.dateTime(chat.lastMessageAt)}
                  </span>
                ) : null}
              </div>
              <div className="flex items-center justify-between gap-2">
                <span className="truncate text-sm text-slate-600">
                  {chat.lastMessageDirection === 'out' ? `${t('chats.you')}: ` : ''}
                  {chat.lastMessagePreview ?? t('chats.unsupported')}
                </span>
                {chat.unreadCount > 0 ? (
                  <span
                    data-testid="unread"
                    aria-label={t('chats.unread', { count: chat.unreadCount })}
                    className="shrink-0 rounded-full bg-emerald-600 px-2 py-0.5 text-xs font-semibold text-white"
                  >
                    {format.integer(chat.unreadCount)}
                  </span>
                ) : null}
              </div>
              <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                <WindowBadge chat={chat} />
                <span className="truncate">{chat.assignedUserName ?? t('chats.unassigned')}</span>
              </div>
            </button>
          </li>
        ))}
      </ul>
      {chats.hasNextPage ? (
        <div className="border-t border-slate-100 p-2 text-center">
          <button
            type="button"
            className="btn-secondary"
            disabled={chats.isFetchingNextPage}
            onClick={() => void chats.fetchNextPage()}
          >
            {t('chats.more')}
          </button>
        </div>
      ) : null}
    </>
  );
}

const STATUS_ICONS: Record<ChatMessageStatus, { icon: Icon; className: string }> = {
  queued: { icon: QueuedIcon, className: 'text-slate-400' },
  sent: { icon: CheckIcon, className: 'text-slate-500' },
  delivered: { icon: DeliveredIcon, className: 'text-slate-500' },
  read: { icon: DeliveredIcon, className: 'text-sky-600' },
  failed: { icon: FailedIcon, className: 'text-rose-600' },
  unknown: { icon: UnknownIcon, className: 'text-amber-600' },
};

function DeliveryStatus({ message }: { message: ChatMessageView }) {
  const { t } = useTranslation();
  if (!message.status) return null;
  const { icon: StatusIcon, className } = STATUS_ICONS[message.status];
  const label = t(`chats.status.${message.status}`);
  return (
    <span className={`inline-flex items-center ${className}`} title={label} data-testid="delivery-status">
      <StatusIcon size={14} aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}

function Bubble({ message }: { message: ChatMessageView }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const out = message.direction === 'out';
  return (
    <li className={`flex ${out ? 'justify-end' : 'justify-start'}`} data-testid={`message-${message.id}`}>
      <div
        className={`max-w-[85%] rounded-lg px-3 py-2 text-sm shadow-sm sm:max-w-[70%] ${
          out
            ? 'bg-emerald-50 text-slate-900 ring-1 ring-emerald-100'
            : 'bg-white text-slate-900 ring-1 ring-slate-200'
        }`}
      >
        {message.type === 'template' ? (
          <p>
            <span className="font-medium">{t('chats.templateMessage', { name: message.templateName })}</span>
            {message.templateParams.length > 0 ? (
              <span className="block text-xs text-slate-600">{message.templateParams.join(' · ')}</span>
            ) : null}
          </p>
        ) : (
          <p className="break-words whitespace-pre-wrap">{message.body ?? t('chats.unsupported')}</p>
        )}
        {message.status === 'failed' ? (
          <p className="mt-1 text-xs text-rose-700">
            {message.errorCode === 131047 ? t('chats.errors.windowClosed') : t('chats.errors.failed')}
          </p>
        ) : null}
        {message.status === 'unknown' ? (
          <p className="mt-1 text-xs text-amber-700">{t('chats.errors.unknown')}</p>
        ) : null}
        <div className="mt-1 flex items-center justify-end gap-1 text-xs text-slate-500">
          {out && message.sentByName ? <span className="truncate">{message.sentByName} ·</span> : null}
          <time dateTime={message.createdAt}>{format.dateTime(message.createdAt)}</time>
          {out ? <DeliveryStatus message={message} /> : null}
        </div>
      </div>
    </li>
  );
}

/** The translation key saying why a send failed. */
function sendErrorKey(error: unknown) {
  if (isApiError(error) && error.code === 'CONFLICT' && error.details?.['reason'] === 'WINDOW_CLOSED') {
    return 'chats.errors.windowClosed' as const;
  }
  if (isApiError(error) && error.status === 409) return 'chats.errors.conflict' as const;
  if (isApiError(error) && error.status === 400) return 'chats.errors.invalid' as const;
  return 'chats.errors.sendFailed' as const;
}

/** Why a send failed, in words. */
function SendError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <p role="alert" className="text-sm text-rose-700">
      {t(sendErrorKey(error))}
    </p>
  );
}

/** One id per draft: a retry after a failure reuses it, so the same message is never sent twice. */
function useDraftId(): [string, () => void] {
  const [id, setId] = useState(() => crypto.randomUUID());
  return [id, () => setId(crypto.randomUUID())];
}

function TextComposer({ chat }: { chat: ChatView }) {
  const { t } = useTranslation();
  const inputId = useId();
  const [text, setText] = useState('');
  const [draftId, nextDraft] = useDraftId();
  const send = useSendChatMessage(chat.leadId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    send.mutate(
      { messageId: draftId, text: text.trim() },
      {
        onSuccess: () => {
          setText('');
          nextDraft();
        },
      },
    );
  };
  return (
    <form onSubmit={submit} className="space-y-2 border-t border-slate-200 p-3">
      <p className="text-xs text-emerald-700" data-testid="window-notice">
        {t('chats.window.closesIn', { hours: hoursLeft(chat.windowEndsAt) })}
      </p>
      <div className="flex items-end gap-2">
        <label htmlFor={inputId} className="sr-only">
          {t('chats.composer.label')}
        </label>
        <textarea
          id={inputId}
          rows={2}
          maxLength={4096}
          className="input min-h-10 resize-y"
          placeholder={t('chats.composer.placeholder')}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="btn-primary" disabled={send.isPending || !text.trim()}>
          <SendIcon size={16} aria-hidden="true" />
          <span>{t('chats.composer.send')}</span>
        </button>
      </div>
      {send.isError ? <SendError error={send.error} /> : null}
    </form>
  );
}

function TemplateComposer({ chat }: { chat: ChatView }) {
  const { t } = useTranslation();
  const selectId = useId();
  const templates = useChatTemplates(true);
  const [key, setKey] = useState('');
  const [values, setValues] = useState<string[]>([]);
  const [draftId, nextDraft] = useDraftId();
  const send = useSendChatMessage(chat.leadId);
  const options = templates.data ?? [];
  const template: TemplateView | undefined = options.find((o) => `${o.name}|${o.language}` === key);
  const complete = template !== undefined && values.slice(0, template.parameterCount).every((v) => v.trim());

  const choose = (next: string) => {
    setKey(next);
    const chosen = options.find((o) => `${o.name}|${o.language}` === next);
    setValues(Array.from({ length: chosen?.parameterCount ?? 0 }, () => ''));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!template || !complete) return;
    const message: OutgoingMessage = {
      messageId: draftId,
      template: {
        name: template.name,
        language: template.language,
        parameters: values.slice(0, template.parameterCount).map((v) => v.trim()),
      },
    };
    send.mutate(message, {
      onSuccess: () => {
        choose('');
        nextDraft();
      },
    });
  };

  return (
    <form
      onSubmit={submit}
      className="space-y-3 border-t border-slate-200 p-3"
      data-testid="template-composer"
    >
      <p className="text-xs text-slate-600" data-testid="window-notice">
        {t('chats.window.closed')}
      </p>
      {templates.isError ? (
        <p role="alert" className="text-sm text-rose-700">
          {t('chats.templates.error')}
        </p>
      ) : templates.isSuccess && options.length === 0 ? (
        <p className="text-sm text-slate-600">{t('chats.templates.none')}</p>
      ) : (
        <div>
          <label htmlFor={selectId} className="label">
            {t('chats.templates.label')}
          </label>
          <select
            id={selectId}
            className="input mt-1"
            value={key}
            disabled={templates.isPending}
            onChange={(event) => choose(event.target.value)}
          >
            <option value="">
              {templates.isPending ? t('common.loading') : t('chats.templates.choose')}
            </option>
            {options.map((option) => (
              <option key={`${option.name}|${option.language}`} value={`${option.name}|${option.language}`}>
                {option.name} ({option.language})
              </option>
            ))}
          </select>
        </div>
      )}
      {template ? (
        <>
          {values.map((value, index) => (
            <div key={index}>
              <label className="label" htmlFor={`${selectId}-p${index}`}>
                {t('chats.templates.variable', { n: index + 1 })}
              </label>
              <input
                id={`${selectId}-p${index}`}
                className="input mt-1"
                value={value}
                maxLength={1024}
                onChange={(event) => setValues(values.map((v, i) => (i === index ? event.target.value : v)))}
              />
            </div>
          ))}
          <p className="rounded-md bg-slate-50 p-2 text-sm text-slate-700" data-testid="template-preview">
            {fillTemplate(template.bodyText, values)}
          </p>
        </>
      ) : null}
      <div className="flex justify-end">
        <button type="submit" className="btn-primary" disabled={!complete || send.isPending}>
          <SendIcon size={16} aria-hidden="true" />
          <span>{t('chats.templates.send')}</span>
        </button>
      </div>
      {send.isError ? <SendError error={send.error} /> : null}
    </form>
  );
}

/** ceo and professional give the conversation (its lead) to another seller. */
function Reassign({ chat }: { chat: ChatView }) {
  const { t } = useTranslation();
  const selectId = useId();
  const users = useAssignableUsers(true);
  const reassign = useReassignChat(chat.leadId);
  if (!users.isSuccess) return null;
  return (
    <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-2 text-sm">
      <label htmlFor={selectId} className="text-slate-600">
        {t('chats.assign.label')}
      </label>
      <select
        id={selectId}
        className="input max-w-xs py-1"
        value={chat.assignedUserId ?? ''}
        disabled={reassign.isPending}
        onChange={(event) => reassign.mutate(event.target.value || null)}
      >
        <option value="">{t('chats.unassigned')}</option>
        {users.data.map((user) => (
          <option key={user.id} value={user.id}>
            {user.name}
          </option>
        ))}
      </select>
      {reassign.isError ? (
        <span role="alert" className="text-rose-700">
          {t('chats.assign.error')}
        </span>
      ) : null}
    </div>
  );
}

function Thread({ leadId, onBack }: { leadId: string; onBack: () => void }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const thread = useChatThread(leadId);
  const markRead = useMarkChatRead();
  const bottom = useRef<HTMLDivElement>(null);
  // Pages come newest first, each oldest → newest: the first page carries the current conversation.
  const chat = thread.data?.pages[0]?.chat;
  const messages = thread.data ? [...thread.data.pages].reverse().flatMap((page) => page.items) : [];
  const unread = chat?.unreadCount ?? 0;
  const lastId = messages.at(-1)?.id;

  useEffect(() => {
    if (unread > 0) markRead.mutate(leadId);
    // Only when the unread count changes for this conversation.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [leadId, unread]);
  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: 'end' });
  }, [lastId]);

  return (
    <section aria-label={t('chats.thread')} className="flex min-h-[60vh] flex-col">
      <header className="flex items-center gap-2 border-b border-slate-200 px-3 py-2">
        <button
          type="button"
          className="btn-secondary md:hidden"
          onClick={onBack}
          aria-label={t('chats.back')}
        >
          <BackIcon size={16} aria-hidden="true" />
        </button>
        {chat ? (
          <div className="min-w-0 flex-1">
            <h2 className="truncate font-semibold text-slate-900">{chat.leadName}</h2>
            <p className="truncate text-xs text-slate-500">
              {chat.phone} · {chat.assignedUserName ?? t('chats.unassigned')}
            </p>
          </div>
        ) : null}
        {chat ? <WindowBadge chat={chat} /> : null}
      </header>
      {chat && canUse('sellers', user.role) ? <Reassign chat={chat} /> : null}
      {thread.isPending ? (
        <Loading />
      ) : thread.isError || !chat ? (
        <ErrorState error={thread.error} onRetry={() => void thread.refetch()} />
      ) : (
        <>
          <div className="flex-1 overflow-y-auto bg-slate-50 p-3">
            {thread.hasNextPage ? (
              <div className="mb-2 text-center">
                <button
                  type="button"
                  className="btn-secondary"
                  disabled={thread.isFetchingNextPage}
                  onClick={() => void thread.fetchNextPage()}
                >
                  {t('chats.older')}
                </button>
              </div>
            ) : null}
            {messages.length === 0 ? (
              <EmptyState title={t('chats.noMessages')} />
            ) : (
              <ol className="space-y-2" data-testid="messages">
                {messages.map((message) => (
                  <Bubble key={message.id} message={message} />
                ))}
              </ol>
            )}
            <div ref={bottom} />
          </div>
          {chat.windowOpen ? (
            <TextComposer key={leadId} chat={chat} />
          ) : (
            <TemplateComposer key={leadId} chat={chat} />
          )}
        </>
      )}
    </section>
  );
}

function isFilter(value: string | null): value is ChatFilter {
  return value !== null && (CHAT_FILTERS as readonly string[]).includes(value);
}

/** The WhatsApp inbox: the conversation list and a thread; on a phone they are separate views. */
export function ChatsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const selected = params.get('lead');
  const filterParam = params.get('filter');
  const filter: ChatFilter = isFilter(filterParam) ? filterParam : 'all';

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    setParams(next);
  };

  return (
    <div>
      <PageHeader title={t('chats.title')} description={t('chats.description')} />
      <div className="card grid overflow-hidden md:grid-cols-[minmax(16rem,22rem)_1fr]">
        <div className={`border-slate-200 md:border-r ${selected ? 'hidden md:block' : 'block'}`}>
          <div
            role="group"
            aria-label={t('chats.filters.label')}
            className="flex gap-1 border-b border-slate-200 p-2"
          >
            {CHAT_FILTERS.map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={filter === option}
                onClick={() => update({ filter: option === 'all' ? null : option })}
                className={`rounded-md px-3 py-1 text-sm ${
                  filter === option ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-100'
                }`}
              >
                {t(`chats.filters.${option}`)}
              </button>
            ))}
          </div>
          <ConversationList
            filter={filter}
            selected={selected}
            onSelect={(leadId) => update({ lead: leadId })}
          />
        </div>
        <div className={selected ? 'block' : 'hidden md:block'}>
          {selected ? (
            <Thread leadId={selected} onBack={() => update({ lead: null })} />
          ) : (
            <EmptyState title={t('chats.pick')} />
          )}
        </div>
      </div>
    </div>
  );
}
