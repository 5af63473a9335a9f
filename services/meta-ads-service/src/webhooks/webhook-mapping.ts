import {
  WHATSAPP_STATUSES,
  type CtwaReferral,
  type WhatsappStatus,
  type WhatsappStatusError,
} from '@crm/contracts';
import { normaliseToE164, waIdToE164 } from '../common/phone';

/** Shapes of Meta's webhook bodies (REFERENCE §6.2, §7.4, §7.6, §7.7) — only what we read. */
export type MetaWebhookBody = { object?: string; entry?: MetaWebhookEntry[] };
export type MetaWebhookEntry = { id?: string | number; changes?: { field?: string; value?: unknown }[] };

export type WaReferral = {
  source_url?: string;
  source_id?: string | number;
  source_type?: string;
  body?: string;
  headline?: string;
  ctwa_clid?: string;
};
export type WaMessage = {
  from?: string;
  id?: string;
  timestamp?: string | number;
  type?: string;
  text?: { body?: string };
  button?: { text?: string; payload?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string } };
  context?: { id?: string };
  referral?: WaReferral;
};
export type WaStatus = {
  id?: string;
  status?: string;
  timestamp?: string | number;
  recipient_id?: string;
  biz_opaque_callback_data?: string;
  errors?: { code?: number | string; title?: string; message?: string }[];
};
export type WaMessagesValue = {
  metadata?: { phone_number_id?: string; display_phone_number?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: WaMessage[];
  statuses?: WaStatus[];
};
export type TemplateStatusValue = {
  event?: string;
  message_template_id?: string | number;
  message_template_name?: string;
  message_template_language?: string;
};
export type LeadgenValue = {
  leadgen_id?: string | number;
  page_id?: string | number;
  form_id?: string | number;
  ad_id?: string | number;
  adgroup_id?: string | number;
  created_time?: number | string;
};
export type GraphLead = {
  id?: string;
  created_time?: string;
  ad_id?: string;
  adset_id?: string;
  campaign_id?: string;
  form_id?: string;
  field_data?: { name?: string; values?: string[] }[];
};

export const idOf = (value: string | number | undefined | null): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

/** Unix seconds (Meta sends a string in WhatsApp webhooks, a number in others) → ISO instant. */
export function unixToIso(value: string | number | undefined): string | undefined {
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return new Date(seconds * 1000).toISOString();
}

/** Meta's `2015-02-28T08:49:14+0000` (or any ISO form) → ISO instant. */
export function metaTimeToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Text a person wrote or tapped: text body, button text, or interactive reply title. */
export function messageText(message: WaMessage): string | undefined {
  return (
    message.text?.body ??
    message.button?.text ??
    message.interactive?.button_reply?.title ??
    message.interactive?.list_reply?.title
  );
}

export function mapReferral(referral: WaReferral | undefined): CtwaReferral | undefined {
  const sourceId = idOf(referral?.source_id);
  if (!referral || !sourceId) return undefined;
  const out: CtwaReferral = { sourceId, sourceType: referral.source_type ?? 'unknown' };
  if (referral.source_url) out.sourceUrl = referral.source_url;
  if (referral.ctwa_clid) out.ctwaClid = referral.ctwa_clid;
  if (referral.headline) out.headline = referral.headline;
  if (referral.body) out.body = referral.body;
  return out;
}

/** The inbound message as event fields (without tenant and attribution); undefined when it cannot be used. */
export function mapInbound(
  message: WaMessage,
  value: WaMessagesValue,
): { wamid: string; from: string; fields: Record<string, unknown> } | undefined {
  const from = waIdToE164(message.from);
  const timestamp = unixToIso(message.timestamp);
  if (!message.id || !from || !timestamp) return undefined;
  const contactName = value.contacts?.find((c) => c.wa_id === message.from)?.profile?.name;
  const fields: Record<string, unknown> = {
    wamid: message.id,
    from,
    timestamp,
  };
  if (contactName) fields.contactName = contactName;
  const text = messageText(message);
  if (text !== undefined) fields.text = text;
  if (message.context?.id) fields.contextWamid = message.context.id;
  const referral = mapReferral(message.referral);
  if (referral) fields.referral = referral;
  return { wamid: message.id, from, fields };
}

export function isTrackedStatus(status: string | undefined): status is WhatsappStatus {
  return (WHATSAPP_STATUSES as readonly string[]).includes(status ?? '');
}

export function mapStatusErrors(errors: WaStatus['errors']): WhatsappStatusError[] | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((error) => {
    const mapped: WhatsappStatusError = { code: Number(error.code ?? 0), title: error.title ?? 'error' };
    if (error.message) mapped.message = error.message;
    return mapped;
  });
}

/** Contact fields of a lead form answer; the phone only when it could be brought to E.164. */
export function mapLeadFields(fieldData: GraphLead['field_data']): {
  fullName?: string;
  email?: string;
  phone?: string;
} {
  const answers = new Map<string, string>();
  for (const field of fieldData ?? []) {
    const value = field.values?.find((v) => typeof v === 'string' && v.trim() !== '');
    if (field.name && value) answers.set(field.name.toLowerCase(), value.trim());
  }
  const fullName =
    answers.get('full_name') ??
    ([answers.get('first_name'), answers.get('last_name')].filter(Boolean).join(' ') || undefined);
  const email = answers.get('email')?.toLowerCase();
  const phone = normaliseToE164(answers.get('phone_number') ?? answers.get('phone'));
  return {
    ...(fullName ? { fullName } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
  };
}
