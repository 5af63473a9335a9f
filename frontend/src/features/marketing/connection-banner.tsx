import type { ConnectionStatus } from '@crm/contracts/browser';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../lib/format';
import { ExpiryWarning, MissingScopes } from './connection-health';
import { DisconnectDialog } from './disconnect-dialog';
import { MetaErrorNotice, metaErrorText } from './meta-error-notice';
import { useConnectMeta, useDisconnectMeta } from './marketing-api';

const STATE_STYLES: Record<ConnectionStatus['state'], string> = {
  disconnected: 'border-slate-200 bg-white',
  connected: 'border-emerald-200 bg-emerald-50/60',
  expired: 'border-amber-200 bg-amber-50',
  revoked: 'border-rose-200 bg-rose-50',
};

const DOT_STYLES: Record<ConnectionStatus['state'], string> = {
  disconnected: 'bg-slate-400',
  connected: 'bg-emerald-500',
  expired: 'bg-amber-500',
  revoked: 'bg-rose-500',
};

export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const connect = useConnectMeta();
  const disconnect = useDisconnectMeta();
  const [confirming, setConfirming] = useState(false);
  const { state } = status;
  const canConnect = state === 'disconnected' || state === 'expired' || state === 'revoked';

  const title =
    state === 'connected'
      ? status.setupComplete
        ? t('marketing.banner.connectedTitle')
        : t('marketing.banner.setupTitle')
      : t(`marketing.banner.${state}Title`);
  const description =
    state === 'connected'
      ? status.setupComplete
        ? t('marketing.banner.connectedDescription')
        : t('marketing.banner.setupDescription')
      : t(`marketing.banner.${state}Description`);

  return (
    <section
      data-testid="meta-status-banner"
      data-state={state}
      data-setup-complete={String(status.setupComplete)}
      aria-labelledby="meta-status-title"
      className={`rounded-xl border p-5 shadow-sm ${STATE_STYLES[state]}`}
    >
      <div className="flex flex-col gap-4 md:flex-row md:items-start md:justify-between">
        <div className="min-w-0 space-y-1">
          <p className="flex items-center gap-2 text-xs font-medium uppercase tracking-wide text-slate-500">
            <span aria-hidden="true" className={`h-2 w-2 rounded-full ${DOT_STYLES[state]}`} />
            {t(`marketing.state.${state}`)}
          </p>
          <h2 id="meta-status-title" className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          <p className="max-w-2xl text-sm text-slate-600">{description}</p>
        </div>
        <div className="flex shrink-0 flex-wrap gap-2">
          {canConnect ? (
            <button
              type="button"
              data-testid="meta-connect-button"
              onClick={() => connect.mutate()}
              disabled={connect.isPending || connect.isSuccess}
              className="btn-primary"
            >
              {connect.isPending || connect.isSuccess
                ? t('marketing.banner.redirecting')
                : state === 'disconnected'
                  ? t('marketing.banner.connect')
                  : t('marketing.banner.reconnect')}
            </button>
          ) : null}
          {state !== 'disconnected' ? (
            <button
              type="button"
              data-testid="meta-disconnect-button"
              onClick={() => setConfirming(true)}
              disabled={disconnect.isPending}
              className="btn-danger"
            >
              {t('marketing.banner.disconnect')}
            </button>
          ) : null}
        </div>
      </div>

      {state === 'connected' && status.setupComplete ? (
        <dl className="mt-4 grid gap-4 border-t border-emerald-200/70 pt-4 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-500">{t('marketing.banner.business')}</dt>
            <dd data-testid="meta-business" className="mt-0.5 font-medium text-slate-900">
              {status.business?.name ?? '—'}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t('marketing.banner.adAccount')}</dt>
            <dd data-testid="meta-ad-account" className="mt-0.5 font-medium text-slate-900">
              {status.adAccount ? (
                <>
                  {status.adAccount.name}
                  <span className="block text-xs font-normal text-slate-500">
                    {t('marketing.banner.adAccountDetails', {
                      currency: status.adAccount.currency,
                      timezone: status.adAccount.timezone,
                    })}
                  </span>
                </>
              ) : (
                '—'
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t('marketing.banner.phoneNumber')}</dt>
            <dd data-testid="meta-phone-number" className="mt-0.5 font-medium text-slate-900">
              {status.phoneNumber ? (
                <>
                  {status.phoneNumber.displayPhoneNumber}
                  <span className="block text-xs font-normal text-slate-500">
                    {status.phoneNumber.verifiedName}
                  </span>
                </>
              ) : (
                '—'
              )}
            </dd>
          </div>
        </dl>
      ) : null}

      <ExpiryWarning
        status={status}
        onReconnect={() => connect.mutate()}
        reconnecting={connect.isPending || connect.isSuccess}
      />
      {state === 'connected' ? (
        <MissingScopes
          scopes={status.missingScopes}
          onReconnect={() => connect.mutate()}
          reconnecting={connect.isPending || connect.isSuccess}
        />
      ) : null}

      {status.pendingLeads ? (
        <p
          data-testid="meta-pending-leads"
          data-value={status.pendingLeads}
          className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {t('marketing.banner.pendingLeads', { count: status.pendingLeads })}
        </p>
      ) : null}

      {status.lastError && state !== 'disconnected' ? (
        <p
          data-testid="meta-last-error"
          data-code={status.lastError.code}
          title={status.lastError.message}
          className="mt-4 text-xs text-slate-500"
        >
          {t('marketing.banner.lastError', {
            message: metaErrorText(t, status.lastError.code),
            date: format.dateTime(status.lastError.at),
          })}
        </p>
      ) : null}

      {confirming ? (
        <DisconnectDialog
          busy={disconnect.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => disconnect.mutate(undefined, { onSettled: () => setConfirming(false) })}
        />
      ) : null}

      {connect.isError ? (
        <div className="mt-4">
          <MetaErrorNotice error={connect.error} />
        </div>
      ) : null}
      {disconnect.isError ? (
        <div className="mt-4">
          <MetaErrorNotice error={disconnect.error} />
        </div>
      ) : null}
    </section>
  );
}
