import { createHash } from 'node:crypto';
import type { MetaWebhookPart } from '@crm/contracts';
import { parseMetaJson } from './meta-json';

/** One JetStream message to publish for a webhook body: the part and its dedupe id. */
export type MetaWebhookDelivery = { messageId: string; part: MetaWebhookPart };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** SHA-256 (hex) of the raw body bytes: the same delivery, retried by Meta, has the same id. */
export function webhookBodySha256(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/**
 * A parsed webhook body as the messages that carry it: one per `entry[i].changes[j]` (id `<sha>:<i>:<j>`), so a
 * body of many changes is processed in parallel and no message outgrows the body. An entry whose `changes` is
 * present but not an array, or that is not an object, travels whole (id `<sha>:<i>`); a body that is not an
 * object with an `entry` array travels whole (id `<sha>`) — the consumer refuses those, nothing is dropped here.
 * Entries without `changes` (other Meta products) carry nothing we read and yield no message.
 */
export function splitMetaWebhook(
  body: unknown,
  bodySha256: string,
  receivedAt: string,
): MetaWebhookDelivery[] {
  if (!isRecord(body) || !Array.isArray(body.entry)) {
    return [{ messageId: bodySha256, part: { receivedAt, bodySha256, kind: 'body', content: body } }];
  }
  const object = typeof body.object === 'string' ? body.object : undefined;
  const deliveries: MetaWebhookDelivery[] = [];
  body.entry.forEach((entry: unknown, entryIndex) => {
    const base = { receivedAt, bodySha256, entryIndex, ...(object !== undefined ? { object } : {}) };
    if (!isRecord(entry) || (entry.changes !== undefined && !Array.isArray(entry.changes))) {
      deliveries.push({
        messageId: `${bodySha256}:${entryIndex}`,
        part: { ...base, kind: 'entry', content: entry },
      });
      return;
    }
    if (!Array.isArray(entry.changes)) return;
    const entryId = typeof entry.id === 'string' ? entry.id : undefined;
    const entryTime = Number.isSafeInteger(entry.time) ? (entry.time as number) : undefined;
    entry.changes.forEach((change: unknown, changeIndex) => {
      deliveries.push({
        messageId: `${bodySha256}:${entryIndex}:${changeIndex}`,
        part: {
          ...base,
          kind: 'change',
          changeIndex,
          ...(entryId !== undefined ? { entryId } : {}),
          ...(entryTime !== undefined ? { entryTime } : {}),
          content: change,
        },
      });
    });
  });
  return deliveries;
}

/**
 * The gateway's hop for a verified raw body: parse it losslessly (`parseMetaJson`, which throws `MetaJsonError`
 * for anything that is not JSON) and split it into the messages to publish on `Webhooks.metaPart`.
 */
export function metaWebhookDeliveries(
  rawBody: Buffer,
  receivedAt: string = new Date().toISOString(),
): MetaWebhookDelivery[] {
  const body = parseMetaJson(rawBody.toString('utf8'));
  return splitMetaWebhook(body, webhookBodySha256(rawBody), receivedAt);
}
