import { Injectable, Logger } from '@nestjs/common';
import {
  type WhatsappInboundEvent,
  type WhatsappStatusEvent,
  normalizePhone,
  sendHistory,
  sendReasonForMetaCode,
} from '@crm/contracts';
import { MicroBatcher } from '@crm/nest-common';
import { SendStore, type DeliveryEvent, type DeliveryTarget, type SendError } from './send-store';
import type { DeliveryUpdate } from './send-status';

/** `biz_opaque_callback_data` of every automated message: marks it as ours and names the send. */
export const CALLBACK_PREFIX = 'automation:';

export function callbackDataFor(sendId: string): string {
  return `${CALLBACK_PREFIX}${sendId}`;
}

/** Status webhooks applied per transaction at most, and how long the first waits for others (see `MicroBatcher`). */
export const STATUS_BATCH = 64;
export const STATUS_LINGER_MS = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sendIdFromCallback(callbackData: string | undefined): string | null {
  if (!callbackData?.startsWith(CALLBACK_PREFIX)) return null;
  const id = callbackData.slice(CALLBACK_PREFIX.length);
  return UUID.test(id) ? id : null;
}

/**
 * Delivery updates from WhatsApp for existing sends (scheduling and cancelling are the rule engine's:
 * src/engine/). Nothing here creates or changes CRM data or publishes events.
 */
@Injectable()
export class SendsService {
  private readonly logger = new Logger(SendsService.name);
  /** Status webhooks arriving together (three per message) share one transaction. */
  private readonly statuses = new MicroBatcher<WhatsappStatusEvent, void>({
    maxItems: STATUS_BATCH,
    lingerMs: STATUS_LINGER_MS,
    flush: (events) => this.applyStatuses(events),
  });

  constructor(private readonly store: SendStore) {}

  /**
   * A Meta status webhook: found by wamid, else by our callback data (the webhook may beat the scheduler storing
   * the wamid), in the transaction that applies it; unknown messages are not ours. Resolves once applied (with the
   * other statuses of its batch).
   */
  onWhatsappStatus(event: WhatsappStatusEvent): Promise<void> {
    return this.statuses.add(event);
  }

  /**
   * A batch of status webhooks in the order they came: one transaction per tenant. If that fails, each is applied
   * on its own, so one status that cannot be applied fails (and is retried) alone.
   */
  private async applyStatuses(events: WhatsappStatusEvent[]): Promise<PromiseSettledResult<void>[]> {
    const outcomes: PromiseSettledResult<void>[] = [];
    const byTenant = new Map<string, number[]>();
    events.forEach((event, index) => {
      byTenant.set(event.tenantId, [...(byTenant.get(event.tenantId) ?? []), index]);
    });
    for (const [tenantId, indexes] of byTenant) {
      const updates = indexes.map((index) => statusUpdateOf(events[index]));
      try {
        await this.store.applyDeliveryUpdates(tenantId, updates);
        for (const index of indexes) outcomes[index] = { status: 'fulfilled', value: undefined };
      } catch (error) {
        if (indexes.length === 1) {
          outcomes[indexes[0]] = { status: 'rejected', reason: error };
          continue;
        }
        for (const [position, index] of indexes.entries()) {
          const { send, update, event } = updates[position];
          outcomes[index] = await this.store.applyDeliveryUpdate(tenantId, send, update, event).then(
            () => ({ status: 'fulfilled', value: undefined }),
            (reason: unknown) => ({ status: 'rejected', reason }),
          );
        }
      }
    }
    return outcomes;
  }

  /** An inbound message answering one of our sends (quoted, or from its phone within 7 days) marks it replied. */
  async onWhatsappInbound(event: WhatsappInboundEvent): Promise<void> {
    const at = new Date(event.timestamp);
    // Sends store the lead's phone as crm-service normalised it (e.g. Mexican +52 → +521); compare alike.
    const from = normalizePhone(event.from) ?? event.from;
    const ids = await this.store.findRepliedTo(event.tenantId, from, event.contextWamid ?? null, at);
    for (const id of ids) {
      await this.store.applyDeliveryUpdate(event.tenantId, id, 'replied', {
        at,
        detail: sendHistory.replied(),
      });
    }
  }
}

function statusUpdateOf(event: WhatsappStatusEvent): {
  send: DeliveryTarget;
  update: DeliveryUpdate;
  event: DeliveryEvent;
} {
  const error = event.status === 'failed' ? describeStatusError(event) : undefined;
  return {
    send: { wamid: event.wamid, callbackSendId: sendIdFromCallback(event.callbackData) },
    update: event.status,
    event: {
      at: new Date(event.timestamp),
      detail: sendHistory.whatsapp(error ? error.message : event.status),
      wamid: event.wamid,
      error,
    },
  };
}

function describeStatusError(event: WhatsappStatusEvent): SendError {
  const first = event.errors?.[0];
  if (!first) {
    return {
      code: 'WHATSAPP_FAILED',
      message: 'WhatsApp could not deliver the message',
      reason: 'undeliverable',
    };
  }
  const message =
    first.message && first.message !== first.title ? `${first.title}: ${first.message}` : first.title;
  return { code: String(first.code), message, reason: sendReasonForMetaCode(Number(first.code)) };
}
