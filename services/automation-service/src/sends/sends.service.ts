import { Injectable, Logger } from '@nestjs/common';
import {
  type WhatsappInboundEvent,
  type WhatsappStatusEvent,
  normalizePhone,
  sendReasonForMetaCode,
} from '@crm/contracts';
import { SendStore, type SendError } from './send-store';

/** `biz_opaque_callback_data` of every automated message: marks it as ours and names the send. */
export const CALLBACK_PREFIX = 'automation:';

export function callbackDataFor(sendId: string): string {
  return `${CALLBACK_PREFIX}${sendId}`;
}

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

  constructor(private readonly store: SendStore) {}

  /**
   * A Meta status webhook: found by wamid, else by our callback data (the webhook may beat the scheduler storing
   * the wamid), in the transaction that applies it; unknown messages are not ours.
   */
  async onWhatsappStatus(event: WhatsappStatusEvent): Promise<void> {
    const { tenantId } = event;
    const error = event.status === 'failed' ? describeStatusError(event) : undefined;
    const changed = await this.store.applyDeliveryUpdate(
      tenantId,
      { wamid: event.wamid, callbackSendId: sendIdFromCallback(event.callbackData) },
      event.status,
      {
        at: new Date(event.timestamp),
        detail: error ? `WhatsApp: ${error.message}` : `WhatsApp: ${event.status}`,
        wamid: event.wamid,
        error,
      },
    );
    if (changed) this.logger.debug(`message ${event.wamid} is now ${changed}`);
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
        detail: 'the contact replied',
      });
    }
  }
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
