import type { SendReason } from './model/automation';

/**
 * Issue 7, sends at platform scale: Meta's error classes for a WhatsApp send (REFERENCE §7.8, §7.9), shared by
 * meta-ads-service (which meets them) and automation-service (which stores the reason and decides what happens).
 */

/** Default messages per second per WhatsApp number (Meta's standard throughput) and the most it can be raised to. */
export const DEFAULT_WHATSAPP_MPS = 80;
export const MAX_WHATSAPP_MPS = 1000;
/** Meta's pair rate limit: one message to the same recipient per this many milliseconds. */
export const PAIR_RATE_INTERVAL_MS = 6000;

export const META_THROUGHPUT_CODE = 130429;
export const META_PAIR_RATE_CODE = 131056;
export const META_TOKEN_EXPIRED_CODE = 190;

/** Meta's send errors after which the same message must not be tried again (the reason is stored and shown). */
export function isFinalMetaSendCode(code: number): boolean {
  return code === 131026 || code === 131047 || code === 131049 || (code >= 132000 && code < 133000);
}

/** The reason code (`SEND_REASONS`) a Meta error code of a send is shown as. */
export function sendReasonForMetaCode(code: number | undefined): SendReason {
  switch (code) {
    case META_THROUGHPUT_CODE:
      return 'meta_rate_limited';
    case META_PAIR_RATE_CODE:
      return 'meta_pair_rate_limited';
    case META_TOKEN_EXPIRED_CODE:
    case 102:
      return 'meta_token_expired';
    case 131026:
    case 131049:
      return 'undeliverable';
    case 131047:
      return 'window_closed';
    case 132000:
    case 132012:
      return 'missing_variable';
    case 132001:
    case 132015:
    case 132016:
      return 'template_not_approved';
    default:
      return 'meta_rejected';
  }
}

/**
 * What meta-ads-service says in `details.outcome` of a send error, and `SendOutcome.state`: `not_sent` — Meta
 * certainly did not act on it (it answered with an error, or the request never left); `unknown` — it may have.
 */
export type SendErrorOutcome = 'not_sent' | 'unknown' | 'in_flight' | 'failed';
