import type { RpcErrorCode } from '@crm/contracts';

/**
 * Failures after which a Lead Ads lead is kept in `pending_leadgen` and fetched again later: the tenant must
 * reconnect (expired / missing permission / gone) or Meta must recover (rate limit, outage).
 */
export const DEFERRABLE_LEADGEN_CODES: readonly RpcErrorCode[] = [
  'META_TOKEN_EXPIRED',
  'META_PERMISSION',
  'META_RATE_LIMITED',
  'META_UNAVAILABLE',
  'META_NOT_CONNECTED',
];

/** At most one hour between two tries of the same lead. */
export const MAX_LEADGEN_RETRY_DELAY_MS = 3_600_000;

/** Delay before the next try after `attempts` failed ones: the period, doubling each time, capped at one hour. */
export function leadgenRetryDelayMs(periodMs: number, attempts: number): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 20);
  return Math.max(periodMs, Math.min(periodMs * 2 ** exponent, MAX_LEADGEN_RETRY_DELAY_MS));
}
