import type { ActiveSession } from '@crm/contracts/browser';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Badge } from '../../components/badge';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { SkeletonSection } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { describeUserAgent } from './device';
import { LogoutEverywhereButton } from './logout-everywhere';
import { useActiveSessions, useRevokeSession } from './session';

function SessionRow({
  session,
  busy,
  onEnd,
}: {
  session: ActiveSession;
  busy: boolean;
  onEnd: (session: ActiveSession) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { browser, os } = describeUserAgent(session.userAgent);
  const device =
    browser && os ? t('sessions.browserOn', { browser, os }) : (browser ?? os ?? t('sessions.unknownDevice'));
  return (
    <li
      data-testid={`session-${session.id}`}
      data-current={session.current}
      className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between"
    >
      <div className="min-w-0 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-slate-900">{device}</span>
          {session.current ? <Badge tone="accent">{t('sessions.current')}</Badge> : null}
        </div>
        <p className="text-sm text-slate-500">
          {t('sessions.started', { date: fmt.dateTime(session.createdAt) })}
        </p>
        <p className="text-sm text-slate-500">
          {session.lastSeenAt
            ? t('sessions.lastSeen', { date: fmt.dateTime(session.lastSeenAt) })
            : t('sessions.notSeenYet')}
        </p>
      </div>
      <button
        type="button"
        data-testid={`session-end-${session.id}`}
        aria-label={t('sessions.endOf', { device })}
        className="btn-secondary shrink-0 self-start sm:self-center"
        disabled={busy}
        onClick={() => onEnd(session)}
      >
        {t('sessions.end')}
      </button>
    </li>
  );
}

/**
 * "Active sessions": every browser where the user is signed in (this one marked), when each began and was last
 * used; any of them can be ended (another browser is refused within seconds; ending this one signs out here), or all
 * at once.
 */
export function ActiveSessionsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sessions = useActiveSessions();
  const revoke = useRevokeSession();
  const titleId = useId();

  const end = (session: ActiveSession) => {
    revoke.mutate(session, {
      onSuccess: () => {
        if (session.current) void navigate('/login', { replace: true });
      },
    });
  };

  return (
    <div className="space-y-6">
      <PageHeader title={t('sessions.title')} description={t('sessions.description')} />
      <section aria-labelledby={titleId} className="card overflow-hidden">
        <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-start sm:justify-between">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {t('sessions.listTitle')}
          </h2>
          <LogoutEverywhereButton labelled />
        </div>
        {revoke.isError ? (
          <div className="px-5 pb-4">
            <Notice tone="danger" testId="session-end-error">
              {t('sessions.endFailed')}
            </Notice>
          </div>
        ) : null}
        {sessions.isPending ? (
          <SkeletonSection className="p-5" />
        ) : sessions.isError ? (
          <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
        ) : sessions.data.length === 0 ? (
          <EmptyState title={t('sessions.empty')} />
        ) : (
          <ul data-testid="sessions-list" className="divide-y divide-slate-100 border-t border-slate-200">
            {sessions.data.map((session) => (
              <SessionRow key={session.id} session={session} busy={revoke.isPending} onEnd={end} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
