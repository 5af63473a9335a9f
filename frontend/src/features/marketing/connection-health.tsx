import type { ConnectionStatus } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../lib/format';

/** A connection ending within this many days is announced, with a reconnect button. */
export const EXPIRY_WARNING_DAYS = 14;

/** Scopes we can describe in words; any other is shown by its Meta name. */
const DESCRIBED_SCOPES = [
  'business_management',
  'ads_read',
  'leads_retrieval',
  'whatsapp_business_management',
  'whatsapp_business_messaging',
] as const;
type DescribedScope = (typeof DESCRIBED_SCOPES)[number];
const isDescribed = (scope: string): scope is DescribedScope =>
  (DESCRIBED_SCOPES as readonly string[]).includes(scope);

/** The instant the connection stops working: the token's expiry or the end of its data access, whichever is first. */
export function accessEndsAt(status: ConnectionStatus): string | null {
  const dates = [status.expiresAt, status.dataAccessExpiresAt].filter((d): d is string => Boolean(d));
  if (dates.length === 0) return null;
  return dates.reduce((first, date) => (Date.parse(date) < Date.parse(first) ? date : first));
}

/** True when a connected account ends within `EXPIRY_WARNING_DAYS`. */
export function expiresSoon(status: ConnectionStatus): boolean {
  return (
    status.state === 'connected' &&
    typeof status.daysLeft === 'number' &&
    status.daysLeft <= EXPIRY_WARNING_DAYS &&
    accessEndsAt(status) !== null
  );
}

type ReconnectProps = { onReconnect: () => void; reconnecting: boolean };

/** "Your Meta connection ends in N days, on <date>" with a reconnect button. */
export function ExpiryWarning({
  status,
  onReconnect,
  reconnecting,
}: { status: ConnectionStatus } & ReconnectProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const endsAt = accessEndsAt(status);
  if (!expiresSoon(status) || endsAt === null) return null;
  const days = status.daysLeft ?? 0;
  const date = format.dateTime(endsAt);
  return (
    <div
      role="alert"
      data-testid="meta-expiry-warning"
      data-days-left={days}
      className="mt-4 flex flex-col gap-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 sm:flex-row sm:items-center sm:justify-between"
    >
      <p>
        {days === 0
          ? t('marketing.health.expiresToday', { date })
          : t('marketing.health.expiresIn', { count: days, date })}
      </p>
      <ReconnectButton onReconnect={onReconnect} reconnecting={reconnecting} testId="meta-expiry-reconnect" />
    </div>
  );
}

/** The required permissions the token lacks, in words, with a reconnect button. */
export function MissingScopes({ scopes, onReconnect, reconnecting }: { scopes: string[] } & ReconnectProps) {
  const { t } = useTranslation();
  if (scopes.length === 0) return null;
  return (
    <div
      data-testid="meta-missing-scopes"
      className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <p>{t('marketing.health.missingScopes', { count: scopes.length })}</p>
      <ul className="mt-1 list-disc pl-5">
        {scopes.map((scope) => (
          <li key={scope} data-scope={scope}>
            {isDescribed(scope) ? t(`marketing.health.scopes.${scope}`) : scope}
          </li>
        ))}
      </ul>
      <div className="mt-2">
        <ReconnectButton
          onReconnect={onReconnect}
          reconnecting={reconnecting}
          testId="meta-scopes-reconnect"
        />
      </div>
    </div>
  );
}

function ReconnectButton({ onReconnect, reconnecting, testId }: ReconnectProps & { testId: string }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={onReconnect}
      disabled={reconnecting}
      className="btn-primary shrink-0"
    >
      {reconnecting ? t('marketing.banner.redirecting') : t('marketing.banner.reconnect')}
    </button>
  );
}
