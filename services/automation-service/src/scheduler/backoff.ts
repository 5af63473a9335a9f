import {
  PAIR_RATE_INTERVAL_MS,
  sendReasonForMetaCode,
  type DomainError,
  type RpcErrorCode,
  type SendReason,
} from '@crm/contracts';

/** A send is attempted at most this many times (the first try included). */
export const MAX_SEND_ATTEMPTS = 5;
/** Meta's rate limits (130429 / 131056) are waited out longer before giving up. */
export const MAX_RATE_LIMITED_ATTEMPTS = 10;
export const BASE_RETRY_DELAY_MS = 30_000;
export const MAX_RETRY_DELAY_MS = 30 * 60_000;
/** A tenant whose Meta token expired: its sends stay scheduled and one is tried again this often. */
export const TOKEN_PAUSE_RECHECK_MS = 30_000;

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

/**
 * What a failed send call means (issue 7):
 * - `unknown`: the request may have reached WhatsApp (RPC timeout, 5xx, no wamid, a CONFLICT for a key in flight or
 *   of unknown outcome, anything unexpected) — never re-sent blindly;
 * - `paused`: the Meta token expired (190) or the number is not connected — the tenant's sends wait, scheduled;
 * - `final`: Meta rejected the message itself (131026, 131047, 131049, 132xxx…) — failed with its reason;
 * - `retry`: certainly not sent (rate limits 130429 / 131056, Meta unavailable before taking it, our own pacing with
 *   `local`) — tried again after a wait.
 */
export type SendFailure =
  | { kind: 'unknown' }
  | { kind: 'paused' }
  | { kind: 'final'; reason: SendReason }
  | { kind: 'retry'; reason: SendReason; local: boolean };

function reasonOf(error: DomainError, fallback: SendReason): SendReason {
  const given = error.details?.reason;
  if (typeof given === 'string') return given as SendReason;
  const metaCode = error.details?.metaCode;
  return typeof metaCode === 'number' ? sendReasonForMetaCode(metaCode) : fallback;
}

export function classifySendFailure(error: DomainError): SendFailure {
  const outcome = error.details?.outcome;
  switch (error.code) {
    case 'CONFLICT':
      return outcome === 'failed'
        ? { kind: 'final', reason: reasonOf(error, 'meta_rejected') }
        : { kind: 'unknown' };
    case 'META_TOKEN_EXPIRED':
    case 'META_NOT_CONNECTED':
      return { kind: 'paused' };
    case 'META_REJECTED':
    case 'META_PERMISSION':
    case 'VALIDATION':
      return { kind: 'final', reason: reasonOf(error, 'meta_rejected') };
    case 'META_RATE_LIMITED':
      return {
        kind: 'retry',
        reason: reasonOf(error, 'meta_rate_limited'),
        local: error.details?.local === true,
      };
    case 'META_UNAVAILABLE':
      return outcome === 'not_sent'
        ? { kind: 'retry', reason: 'meta_unavailable', local: error.details?.local === true }
        : { kind: 'unknown' };
    default:
      return { kind: 'unknown' };
  }
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: 'permanent' | 'exhausted' };

/** Before the send call nothing reached WhatsApp, so an unexpected failure (crm down, database hiccup) may retry too. */
export const RETRYABLE_BEFORE_SEND: readonly RpcErrorCode[] = [...RETRYABLE_CODES, 'INTERNAL'];

/**
 * After attempt number `attempts` failed with `error`: try again later, or give up. With a `retry` failure of the
 * send call: our own pacing waits exactly what it was told (the attempt was refunded); Meta's pair limit waits
 * 4^X s (at least 6 s), its throughput limit 1, 2, 4… s — never less than a hint Meta gave.
 */
export function decideRetry(
  attempts: number,
  error: DomainError,
  retryable: readonly RpcErrorCode[] = RETRYABLE_CODES,
  failure?: Extract<SendFailure, { kind: 'retry' }>,
): RetryDecision {
  const retryAfter = error.details?.retryAfterSeconds;
  const hintMs = typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter * 1000 : 0;
  if (failure?.local) {
    const exactMs = error.details?.retryAfterMs;
    return { retry: true, delayMs: typeof exactMs === 'number' ? exactMs : hintMs };
  }
  if (failure && (failure.reason === 'meta_pair_rate_limited' || failure.reason === 'meta_rate_limited')) {
    if (attempts >= MAX_RATE_LIMITED_ATTEMPTS) return { retry: false, reason: 'exhausted' };
    const step = Math.max(0, attempts - 1);
    const backoff =
      failure.reason === 'meta_pair_rate_limited'
        ? Math.max(PAIR_RATE_INTERVAL_MS, 4 ** step * 1000)
        : 2 ** step * 1000;
    return { retry: true, delayMs: Math.min(MAX_RETRY_DELAY_MS, Math.max(backoff, hintMs)) };
  }
  if (!retryable.includes(error.code)) return { retry: false, reason: 'permanent' };
  if (attempts >= MAX_SEND_ATTEMPTS) return { retry: false, reason: 'exhausted' };
  return {
    retry: true,
    delayMs: retryDelayMs(attempts, typeof retryAfter === 'number' ? retryAfter : undefined),
  };
}
