import {
  CTWA_WINDOW_HOURS,
  DomainError,
  SERVICE_WINDOW_HOURS,
  type ChatMessageStatus,
  type WhatsappStatus,
} from '@crm/contracts';

/**
 * The chat rules apart from I/O: the customer-service window, the order of delivery statuses, the callback data
 * that ties Meta's status webhooks to our message, and keyset cursors.
 */

const HOUR_MS = 3600 * 1000;
const PREVIEW_LENGTH = 120;

/** When free-form replies stop after a contact's message at `at`: 24 h, or 72 h when it came from a CTWA ad. */
export function windowEndsAt(at: Date, fromAdReferral: boolean): Date {
  return new Date(at.getTime() + (fromAdReferral ? CTWA_WINDOW_HOURS : SERVICE_WINDOW_HOURS) * HOUR_MS);
}

/** What the inbox shows of a message: its first line(s), whitespace collapsed, at most 120 characters. */
export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1)}…` : flat;
}

/**
 * Rank of a status: a webhook moves a message only to a higher rank (never read → delivered). `failed` may follow
 * anything short of `read` and is final (it keeps Meta's error).
 */
const RANK: Record<ChatMessageStatus, number> = {
  queued: 0,
  unknown: 0,
  sent: 2,
  delivered: 4,
  failed: 5,
  read: 6,
};

/** `RANK` in SQL, for the store's conditional update. */
export const STATUS_RANK_SQL = (column: string): string =>
  `CASE ${column} ${Object.entries(RANK)
    .map(([status, rank]) => `WHEN '${status}' THEN ${rank}`)
    .join(' ')} END`;

/** Whether a message in `current` moves to `next` (what the store's update applies with `STATUS_RANK_SQL`). */
export function advances(current: ChatMessageStatus, next: WhatsappStatus): boolean {
  return current !== 'failed' && RANK[next] > RANK[current];
}

const CALLBACK_PREFIX = 'crm-msg:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sent as `biz_opaque_callback_data`, so a status that beats the stored wamid still finds its message. */
export function callbackDataOf(messageId: string): string {
  return `${CALLBACK_PREFIX}${messageId}`;
}

/** The message id of our callback data, else null (another sender's, e.g. the HSM automation). */
export function messageIdOfCallback(callbackData: string | undefined): string | null {
  if (!callbackData?.startsWith(CALLBACK_PREFIX)) return null;
  const id = callbackData.slice(CALLBACK_PREFIX.length);
  return UUID.test(id) ? id : null;
}

/**
 * A status whose callback data is another sender's (the HSM automation's `automation:…`): every chat message we
 * send carries ours, so it is not one of our messages and needs no look-up. A status without callback data may be.
 */
export function isAnotherSendersStatus(callbackData: string | undefined): boolean {
  return callbackData !== undefined && callbackData !== '' && !callbackData.startsWith(CALLBACK_PREFIX);
}

/** A keyset position: an instant with microseconds (as text, see `INSTANT_SQL`) and an id. */
export type Keyset = { at: string; id: string };

/** `column` as text with microseconds (a JS Date keeps only milliseconds). */
export const INSTANT_SQL = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeKeyset(position: Keyset): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** The position a cursor carries; `VALIDATION` when it was not made by `encodeKeyset`. */
export function decodeKeyset(cursor: string, field: string): Keyset {
  const invalid = () => new DomainError('VALIDATION', `${field} is not a cursor of this list`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || !INSTANT.test(at) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid();
  }
  return { at, id };
}
