import { createHash } from 'node:crypto';
import type { SandboxPhoneNumber, SandboxWaba } from '../dataset/dataset.types';
import type { LeadRecord, SentMessage, StatusName } from '../state/sandbox-state';

export type PricingInfo = {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service' | 'free_entry_point';
  category: string;
};

export type StatusWebhookInput = {
  waba: SandboxWaba;
  phone: SandboxPhoneNumber;
  message: SentMessage;
  status: StatusName;
  timestamp: number;
  pricing: PricingInfo;
  conversationOrigin: string;
};

const conversationId = (phoneId: string, waId: string, origin: string, timestamp: number): string =>
  createHash('sha256')
    .update(`${phoneId}:${waId}:${origin}:${Math.floor(timestamp / 86_400)}`)
    .digest('hex')
    .slice(0, 32);

export const UNDELIVERABLE_ERROR = {
  code: 131026,
  title: 'Message undeliverable',
  message: 'Message undeliverable',
  error_data: { details: 'Message Undeliverable.' },
  href: 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes',
};

/** `statuses` webhook, v23 shape (REFERENCE §7.6): `conversation` + `pricing` on sent and delivered only. */
export const statusWebhook = (input: StatusWebhookInput): Record<string, unknown> => {
  const { message, status, timestamp } = input;
  const entry: Record<string, unknown> = {
    id: message.wamid,
    status,
    timestamp: String(timestamp),
    recipient_id: message.to,
  };
  if (message.bizOpaqueCallbackData !== undefined)
    entry.biz_opaque_callback_data = message.bizOpaqueCallbackData;
  if (status === 'sent' || status === 'delivered') {
    const conversation: Record<string, unknown> = {
      id: conversationId(input.phone.id, message.to, input.conversationOrigin, timestamp),
      origin: { type: input.conversationOrigin },
    };
    if (status === 'sent') conversation.expiration_timestamp = String(timestamp + 86_400);
    entry.conversation = conversation;
    entry.pricing = input.pricing;
  }
  if (status === 'failed') entry.errors = [UNDELIVERABLE_ERROR];
  return envelope(input.waba, input.phone, { statuses: [entry] });
};

const envelope = (
  waba: SandboxWaba,
  phone: SandboxPhoneNumber,
  value: Record<string, unknown>,
): Record<string, unknown> => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: waba.id,
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: phone.digits, phone_number_id: phone.id },
            ...value,
          },
          field: 'messages',
        },
      ],
    },
  ],
});

export type Referral = {
  source_url: string;
  source_id: string;
  source_type: 'ad';
  body: string;
  headline: string;
  media_type: 'image';
  image_url: string;
  ctwa_clid: string;
  welcome_message: { text: string };
};

export type InboundInput = {
  waba: SandboxWaba;
  phone: SandboxPhoneNumber;
  from: string;
  name: string;
  wamid: string;
  timestamp: number;
  text: string;
  referral?: Referral;
  contextWamid?: string;
  /** A tapped quick-reply button: `text` is its label. */
  button?: QuickReplyButton;
};

/**
 * A quick-reply button the contact tapped: on a template (`type: button`, `button.payload` as set when sending and
 * `button.text`) or on an interactive message (`type: interactive`, `interactive.button_reply` {id, title}).
 */
export type QuickReplyButton = { kind: 'button' | 'interactive'; payload: string };

/** Inbound `messages` webhook with an optional CTWA `referral` or reply `context` (REFERENCE §7.4). */
export const inboundMessageWebhook = (input: InboundInput): Record<string, unknown> => {
  const message: Record<string, unknown> = {
    from: input.from,
    id: input.wamid,
    timestamp: String(input.timestamp),
    type: 'text',
    text: { body: input.text },
  };
  if (input.button?.kind === 'button') {
    delete message.text;
    message.type = 'button';
    message.button = { payload: input.button.payload, text: input.text };
  } else if (input.button?.kind === 'interactive') {
    delete message.text;
    message.type = 'interactive';
    message.interactive = {
      type: 'button_reply',
      button_reply: { id: input.button.payload, title: input.text },
    };
  }
  if (input.contextWamid) message.context = { from: input.phone.digits, id: input.contextWamid };
  if (input.referral) message.referral = input.referral;
  return envelope(input.waba, input.phone, {
    contacts: [{ profile: { name: input.name }, wa_id: input.from }],
    messages: [message],
  });
};

/** Page `leadgen` webhook (REFERENCE §6.2); `ad_id`/`adgroup_id` only for ad leads. */
export const leadgenWebhook = (lead: LeadRecord, timestamp: number): Record<string, unknown> => ({
  object: 'page',
  entry: [
    {
      id: lead.pageId,
      time: timestamp,
      changes: [
        {
          field: 'leadgen',
          value: {
            leadgen_id: lead.id,
            page_id: lead.pageId,
            form_id: lead.formId,
            ...(lead.adId ? { adgroup_id: lead.adId, ad_id: lead.adId } : {}),
            created_time: Math.floor(lead.createdAt / 1000),
          },
        },
      ],
    },
  ],
});
