import { META_REQUIRED_SCOPES, type ConnectionStatus } from '@crm/contracts';
import type { ConnectionEntity } from './connection.entity';

/**
 * What the UI may know about a connection — never the token. `pendingLeads`: Lead Ads leads waiting for Meta to be
 * readable again (added when known).
 */
export function toConnectionStatus(
  connection: ConnectionEntity | null,
  now = new Date(),
  pendingLeads?: number,
): ConnectionStatus {
  const pending = pendingLeads === undefined ? {} : { pendingLeads };
  if (!connection || connection.state === 'disconnected') {
    return {
      state: 'disconnected',
      setupComplete: false,
      scopes: [],
      missingScopes: [...META_REQUIRED_SCOPES],
      expiresAt: null,
      dataAccessExpiresAt: null,
      daysLeft: null,
      connectedAt: null,
      business: null,
      adAccount: null,
      phoneNumber: null,
      lastError: connection?.lastError ? pickError(connection.lastError) : null,
      ...pending,
    };
  }
  const endsAt = accessEndsAt(connection);
  const expiredByDate = endsAt !== null && endsAt.getTime() <= now.getTime();
  const state = connection.state === 'connected' && expiredByDate ? 'expired' : connection.state;
  const scopes = [...connection.scopes];
  return {
    state,
    setupComplete: Boolean(connection.businessId && connection.adAccountId && connection.phoneNumberId),
    scopes,
    missingScopes: META_REQUIRED_SCOPES.filter((scope) => !scopes.includes(scope)),
    expiresAt: connection.tokenExpiresAt?.toISOString() ?? null,
    dataAccessExpiresAt: connection.dataAccessExpiresAt?.toISOString() ?? null,
    daysLeft: endsAt === null ? null : daysUntil(endsAt, now),
    connectedAt: connection.connectedAt?.toISOString() ?? null,
    business: connection.businessId
      ? { id: connection.businessId, name: connection.businessName ?? '' }
      : null,
    adAccount: connection.adAccountId
      ? {
          id: connection.adAccountId,
          name: connection.adAccountName ?? '',
          currency: connection.currency ?? '',
          timezone: connection.timezone ?? '',
        }
      : null,
    phoneNumber:
      connection.phoneNumberId && connection.wabaId
        ? {
            id: connection.phoneNumberId,
            wabaId: connection.wabaId,
            displayPhoneNumber: connection.displayPhoneNumber ?? '',
            verifiedName: connection.verifiedName ?? '',
          }
        : null,
    lastError: connection.lastError ? pickError(connection.lastError) : null,
    ...pending,
  };
}

/** When the token stops working for us: its expiry or the end of its data access, whichever is first. */
export function accessEndsAt(
  connection: Pick<ConnectionEntity, 'tokenExpiresAt' | 'dataAccessExpiresAt'>,
): Date | null {
  const dates = [connection.tokenExpiresAt, connection.dataAccessExpiresAt].filter(
    (date): date is Date => date !== null,
  );
  if (dates.length === 0) return null;
  return new Date(Math.min(...dates.map((date) => date.getTime())));
}

/** Whole days left until `end` (rounded down; 0 once passed). */
export function daysUntil(end: Date, now: Date): number {
  return Math.max(0, Math.floor((end.getTime() - now.getTime()) / 86_400_000));
}

function pickError(error: { code: string; message: string; at: string }): ConnectionStatus['lastError'] {
  return { code: error.code, message: error.message, at: error.at };
}
