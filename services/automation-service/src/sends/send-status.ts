import type { SendState, SendStatus } from '@crm/contracts';

/** What can move a send forward after it left the scheduler: Meta status webhooks, and a reply. */
export type DeliveryUpdate = 'sent' | 'delivered' | 'read' | 'replied' | 'failed';

export type TimestampColumn = 'sent_at' | 'delivered_at' | 'read_at' | 'replied_at' | 'failed_at';

/**
 * Order of the progress states. A send only ever moves up this ladder:
 * scheduled < sending < sent < delivered < read < replied.
 */
const PROGRESS_RANK: Partial<Record<SendStatus, number>> = {
  scheduled: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  replied: 5,
};

/** Meta reports `failed` after `sent`, sometimes after `delivered`; never after `read`. */
const FAILABLE: readonly SendStatus[] = ['sending', 'sent', 'delivered'];

/**
 * The status a send moves to when `update` arrives while it is `current`, or `null` when the update changes
 * nothing (a duplicate, an out-of-order older status, or a send already final: failed / skipped / replied).
 *
 * `scheduled` accepts progress too: a send whose first attempt timed out on our side but did reach WhatsApp
 * (found through its callback data) is then known to be sent and must never be re-sent.
 */
export function nextStatus(current: SendStatus, update: DeliveryUpdate): SendStatus | null {
  if (update === 'failed') return FAILABLE.includes(current) ? 'failed' : null;
  const from = PROGRESS_RANK[current];
  const to = PROGRESS_RANK[update];
  if (from === undefined || to === undefined) return null;
  return to > from ? update : null;
}

/**
 * Timestamp columns an applied update fills (only where still empty): a later state implies the earlier ones,
 * e.g. `read` without a `delivered` before it also sets `delivered_at` (and `sent_at`).
 */
export function timestampsFor(update: DeliveryUpdate): TimestampColumn[] {
  switch (update) {
    case 'sent':
      return ['sent_at'];
    case 'delivered':
      return ['sent_at', 'delivered_at'];
    case 'read':
      return ['sent_at', 'delivered_at', 'read_at'];
    case 'replied':
      return ['sent_at', 'delivered_at', 'replied_at'];
    case 'failed':
      return ['failed_at'];
  }
}

/** Statuses after which nothing else happens to a send. */
export const FINAL_STATUSES: readonly SendStatus[] = ['replied', 'failed', 'skipped'];

/**
 * Whether `update` proves a send in `current` did reach WhatsApp, so it moves on as if from `sending` (issue 7):
 * any status webhook settles an `unknown` send (even `failed`: Meta took the request); a `failed` send moves on when
 * WhatsApp reports it delivered, read or replied to, or reports it sent when it failed on our side (no wamid: a
 * conflict or lost answer). A late `sent` after Meta's own `failed` (same wamid) changes nothing.
 */
export function revives(current: SendState, wamid: string | null, update: DeliveryUpdate): boolean {
  if (current === 'unknown') return true;
  if (current !== 'failed' || update === 'failed') return false;
  if (update === 'sent') return wamid === null;
  return true;
}
