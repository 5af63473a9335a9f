import type { DomainError, RpcErrorCode } from '@crm/contracts';

/** A send is attempted at most this many times (the first try included). */
export const MAX_SEND_ATTEMPTS = 5;
export const BASE_RETRY_DELAY_MS = 30_000;
export const MAX_RETRY_DELAY_MS = 30 * 60_000;

/** Meta or our own link to it is temporarily unable to answer: the same send may be tried again later. */
export const RETRYABLE_CODES: readonly RpcErrorCode[] = [
  'META_RATE_LIMITED',
  'META_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
];

/**
 * Delay before attempt `attempts + 1`: 30 s, 1 min, 2 min, 4 min… capped at 30 min, and never sooner than
 * a `retryAfterSeconds` Meta asked for.
 */
export function retryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  const exponential = BASE_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1);
  const delay = Math.min(MAX_RETRY_DELAY_MS, exponential);
  const asked = typeof retryAfterSeconds === 'number' && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 0;
  return Math.max(delay, Math.min(asked, MAX_RETRY_DELAY_MS));
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: 'permanent' | 'exhausted' };

/** Before the send call nothing reached WhatsApp, so an unexpected failure (crm down, database hiccup) may retry too. */
export const RETRYABLE_BEFORE_SEND: readonly RpcErrorCode[] = [...RETRYABLE_CODES, 'INTERNAL'];

/** After attempt number `attempts` failed with `error`: try again later, or give up. */
export function decideRetry(
  attempts: number,
  error: DomainError,
  retryable: readonly RpcErrorCode[] = RETRYABLE_CODES,
): RetryDecision {
  if (!retryable.includes(error.code)) return { retry: false, reason: 'permanent' };
  if (attempts >= MAX_SEND_ATTEMPTS) return { retry: false, reason: 'exhausted' };
  const retryAfter = error.details?.retryAfterSeconds;
  return {
    retry: true,
    delayMs: retryDelayMs(attempts, typeof retryAfter === 'number' ? retryAfter : undefined),
  };
}
