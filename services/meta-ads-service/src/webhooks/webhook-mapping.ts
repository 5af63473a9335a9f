import {
  DomainError,
  WHATSAPP_STATUSES,
  type CtwaReferral,
  type WhatsappStatus,
  type WhatsappStatusError,
} from '@crm/contracts';
import { waIdToE164 } from '../common/phone';

/**
 * Reading Meta's webhook values (REFERENCE §6.2, §7.4, §7.6, §7.7) defensively: a value comes from a parsed body
 * (ids already strings, text cleaned), but its shape is Meta's word. Anything that is not what Meta documents is
 * a `DomainError('VALIDATION')` naming the path (`value.statuses[3].errors[0]: expected an object`) — never a
 * TypeError — so the item is reported and its valid siblings are still processed.
 */

export type JsonObject = Record<string, unknown>;

/** The Graph lead (REFERENCE §6.3) — only what we read. */
export type GraphLead = {
  id?: string;
  created_time?: string;
  ad_id?: string;
  adset_id?: string;
  campaign_id?: string;
  form_id?: string;
  field_data?: { name?: string; values?: string[] }[];
};

/** A status change of a message we sent, as the `evt.meta.whatsapp.status` fields (without the tenant). */
export type MappedStatus = {
  wamid: string;
  status: WhatsappStatus;
  timestamp: string;
  recipientId: string;
  callbackData?: string;
  errors?: WhatsappStatusError[];
};

/** An inbound message as `evt.meta.whatsapp.inbound` fields (without tenant, phone number and attribution). */
export type MappedInbound = {
  wamid: string;
  /** The sender's `wa_id` as Meta wrote it (orders messages per sender). */
  sender: string;
  /** E.164, or undefined when the sender is not a phone number (a BSUID): such a message is skipped. */
  from?: string;
  fields: Record<string, unknown>;
  /** The referral's ad id when the message came from a Click-to-WhatsApp ad. */
  adId?: string;
};

export type MessagesValue = {
  phoneNumberId?: string;
  contactNames: Map<string, string>;
  messages: unknown[];
  statuses: unknown[];
  /** Parts of the value that could not be read (the rest is still used). */
  problems: string[];
};

export type TemplateStatusChange = {
  event: string;
  templateId?: string;
  name?: string;
  language?: string;
  reason: string | null;
  rejectionInfo: { reason: string; recommendation: string | null } | null;
  otherInfo: { title: string | null; description: string | null } | null;
};

export type TemplateRef = { templateId?: string; name?: string; language?: string };

export type LeadgenChange = {
  leadgenId: string;
  pageId?: string;
  formId?: string;
  adId?: string;
  adgroupId?: string;
  createdTime?: string;
};

/** Latest instant a `Date` can hold is far beyond this; Meta's timestamps are unix seconds before year 10000. */
const MAX_UNIX_SECONDS = 253_402_300_799;
const MAX_TEXT = 10_000;

export const invalid = (path: string, problem: string): DomainError =>
  new DomainError('VALIDATION', `${path}: ${problem}`);

/** `null`, `an array`, `an object`, `a string`…: what a value is, for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function objectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalid(path, `expected an object, got ${describeValue(value)}`);
  return value;
}

/** `object[key]` as an array; absent (or null) is empty. */
export function arrayAt(object: JsonObject, key: string, path: string): unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw invalid(`${path}.${key}`, `expected an array, got ${describeValue(value)}`);
  return value;
}

/** `object[key]` as text; absent (or null) is undefined. */
export function textAt(object: JsonObject, key: string, path: string, max = MAX_TEXT): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw invalid(`${path}.${key}`, `expected a string, got ${describeValue(value)}`);
  if (value.length > max) throw invalid(`${path}.${key}`, `longer than ${max} characters`);
  return value;
}

/** `object[key]` as an id: a string (how every id arrives from `parseMetaJson`) or a safe integer. */
export function idAt(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value !== 'string' || value.length > 100 || /\s/.test(value)) {
    throw invalid(
      `${path}.${key}`,
      `expected an id, got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describeValue(value)}`,
    );
  }
  return value;
}

/** `object[key]` as unix seconds (Meta sends a string in WhatsApp webhooks, a number in others) → ISO instant. */
export function unixSecondsAt(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  const seconds = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (
    typeof seconds !== 'number' ||
    !Number.isInteger(seconds) ||
    seconds <= 0 ||
    seconds > MAX_UNIX_SECONDS
  ) {
    throw invalid(
      `${path}.${key}`,
      `expected unix seconds, got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describeValue(value)}`,
    );
  }
  return new Date(seconds * 1000).toISOString();
}

/** Unix seconds → ISO instant, or undefined when it is not a plausible timestamp. */
export function unixToIso(value: unknown): string | undefined {
  try {
    return unixSecondsAt({ value }, 'value', 'value');
  } catch {
    return undefined;
  }
}

/** Meta's `2015-02-28T08:49:14+0000` (or any ISO form) → ISO instant. */
export function metaTimeToIso(value: string | undefined): string | undefined {
  if (!value || typeof value !== 'string') return undefined;
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export const idOf = (value: string | number | undefined | null): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

/** `entry[i].changes[j]`: its `field` and `value`. */
export function readChange(content: unknown, path: string): { field: string; value: unknown } {
  const change = objectAt(content, path);
  const field = textAt(change, 'field', path, 200);
  if (!field) throw invalid(`${path}.field`, 'missing');
  return { field, value: change.value };
}

/** A `messages` change value: what can be read, and what could not. */
export function readMessagesValue(input: unknown, path: string): MessagesValue {
  const value = objectAt(input, path);
  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push(error.message);
      return fallback;
    }
  };
  const phoneNumberId = attempt(() => {
    if (value.metadata === undefined) return undefined;
    return idAt(objectAt(value.metadata, `${path}.metadata`), 'phone_number_id', `${path}.metadata`);
  }, undefined);
  const contactNames = new Map<string, string>();
  const contacts = attempt(() => arrayAt(value, 'contacts', path), []);
  contacts.forEach((item, index) =>
    attempt(() => {
      const where = `${path}.contacts[${index}]`;
      const contact = objectAt(item, where);
      const waId = idAt(contact, 'wa_id', where);
      const name =
        contact.profile === undefined
          ? undefined
          : textAt(objectAt(contact.profile, `${where}.profile`), 'name', `${where}.profile`, 500);
      if (waId && name) contactNames.set(waId, name);
    }, undefined),
  );
  const messages = attempt(() => arrayAt(value, 'messages', path), []);
  const statuses = attempt(() => arrayAt(value, 'statuses', path), []);
  return { phoneNumberId, contactNames, messages, statuses, problems };
}

/** Text a person wrote or tapped: text body, button text, or interactive reply title. */
function messageText(message: JsonObject, path: string): string | undefined {
  const nested = (key: string): JsonObject | undefined =>
    message[key] === undefined || message[key] === null
      ? undefined
      : objectAt(message[key], `${path}.${key}`);
  const text = nested('text');
  const button = nested('button');
  const interactive = nested('interactive');
  const reply = (key: string): string | undefined => {
    if (!interactive || interactive[key] === undefined || interactive[key] === null) return undefined;
    return textAt(
      objectAt(interactive[key], `${path}.interactive.${key}`),
      'title',
      `${path}.interactive.${key}`,
    );
  };
  return (
    (text ? textAt(text, 'body', `${path}.text`, Number.POSITIVE_INFINITY) : undefined) ??
    (button ? textAt(button, 'text', `${path}.button`) : undefined) ??
    reply('button_reply') ??
    reply('list_reply')
  );
}

/** A tapped quick-reply button: `button` {payload, text} (template buttons) or `interactive.button_reply` {id, title}. */
function buttonReplyOf(message: JsonObject, path: string): Record<string, string> | undefined {
  if (message.button !== undefined && message.button !== null) {
    const button = objectAt(message.button, `${path}.button`);
    const payload = textAt(button, 'payload', `${path}.button`);
    const text = textAt(button, 'text', `${path}.button`);
    return { kind: 'button', ...(payload ? { payload } : {}), ...(text ? { text } : {}) };
  }
  if (message.interactive === undefined || message.interactive === null) return undefined;
  const interactive = objectAt(message.interactive, `${path}.interactive`);
  if (interactive.button_reply === undefined || interactive.button_reply === null) return undefined;
  const where = `${path}.interactive.button_reply`;
  const reply = objectAt(interactive.button_reply, where);
  const payload = textAt(reply, 'id', where);
  const text = textAt(reply, 'title', where);
  return { kind: 'interactive', ...(payload ? { payload } : {}), ...(text ? { text } : {}) };
}

function mapReferral(input: unknown, path: string): CtwaReferral | undefined {
  if (input === undefined || input === null) return undefined;
  const referral = objectAt(input, path);
  const sourceId = idAt(referral, 'source_id', path);
  if (!sourceId) return undefined;
  const out: CtwaReferral = { sourceId, sourceType: textAt(referral, 'source_type', path, 100) ?? 'unknown' };
  const sourceUrl = textAt(referral, 'source_url', path, 2000);
  const ctwaClid = textAt(referral, 'ctwa_clid', path, 500);
  const headline = textAt(referral, 'headline', path);
  const body = textAt(referral, 'body', path);
  if (sourceUrl) out.sourceUrl = sourceUrl;
  if (ctwaClid) out.ctwaClid = ctwaClid;
  if (headline) out.headline = headline;
  if (body) out.body = body;
  return out;
}

/** `value.messages[i]` as event fields. Throws VALIDATION when it is malformed. */
export function mapInbound(input: unknown, contactNames: Map<string, string>, path: string): MappedInbound {
  const message = objectAt(input, path);
  const wamid = textAt(message, 'id', path, 500);
  if (!wamid) throw invalid(`${path}.id`, 'missing');
  const rawFrom = message.from;
  const sender = typeof rawFrom === 'number' && Number.isSafeInteger(rawFrom) ? String(rawFrom) : rawFrom;
  if (typeof sender !== 'string' || sender === '') throw invalid(`${path}.from`, 'missing');
  const timestamp = unixSecondsAt(message, 'timestamp', path);
  if (!timestamp) throw invalid(`${path}.timestamp`, 'missing');
  const from = waIdToE164(sender);
  const fields: Record<string, unknown> = { wamid, timestamp, ...(from ? { from } : {}) };
  const contactName = contactNames.get(sender);
  if (contactName) fields.contactName = contactName;
  const text = messageText(message, path);
  if (text !== undefined) fields.text = text;
  const buttonReply = buttonReplyOf(message, path);
  if (buttonReply) fields.buttonReply = buttonReply;
  if (message.context !== undefined && message.context !== null) {
    const contextWamid = textAt(objectAt(message.context, `${path}.context`), 'id', `${path}.context`, 500);
    if (contextWamid) fields.contextWamid = contextWamid;
  }
  const referral = mapReferral(message.referral, `${path}.referral`);
  if (referral) fields.referral = referral;
  return {
    wamid,
    sender,
    from,
    fields,
    ...(referral?.sourceType === 'ad' ? { adId: referral.sourceId } : {}),
  };
}

export function isTrackedStatus(status: string | undefined): status is WhatsappStatus {
  return (WHATSAPP_STATUSES as readonly string[]).includes(status ?? '');
}

function mapStatusErrors(errors: unknown[], path: string): WhatsappStatusError[] | undefined {
  if (errors.length === 0) return undefined;
  return errors.map((item, index) => {
    const where = `${path}[${index}]`;
    const error = objectAt(item, where);
    const rawCode = error.code;
    const code = typeof rawCode === 'string' && /^\d{1,9}$/.test(rawCode) ? Number(rawCode) : (rawCode ?? 0);
    if (typeof code !== 'number' || !Number.isSafeInteger(code)) {
      throw invalid(`${where}.code`, `expected an error code, got ${describeValue(rawCode)}`);
    }
    const mapped: WhatsappStatusError = { code, title: textAt(error, 'title', where, 1000) ?? 'error' };
    const message = textAt(error, 'message', where, 2000);
    if (message) mapped.message = message;
    return mapped;
  });
}

/**
 * `value.statuses[i]` as event fields; undefined for a status we do not track. Throws VALIDATION when malformed.
 * A status without a timestamp is dated now.
 */
export function mapStatus(
  input: unknown,
  path: string,
  now: () => Date = () => new Date(),
): MappedStatus | undefined {
  const status = objectAt(input, path);
  const wamid = textAt(status, 'id', path, 500);
  if (!wamid) throw invalid(`${path}.id`, 'missing');
  const name = textAt(status, 'status', path, 100);
  if (!isTrackedStatus(name)) return undefined;
  const timestamp = unixSecondsAt(status, 'timestamp', path) ?? now().toISOString();
  const callbackData = textAt(status, 'biz_opaque_callback_data', path, 512);
  const errors = mapStatusErrors(arrayAt(status, 'errors', path), `${path}.errors`);
  return {
    wamid,
    status: name,
    timestamp,
    recipientId: idAt(status, 'recipient_id', path) ?? '',
    ...(callbackData !== undefined ? { callbackData } : {}),
    ...(errors ? { errors } : {}),
  };
}

/** A `message_template_status_update` change value. Throws VALIDATION when malformed. */
export function readTemplateStatus(input: unknown, path: string): TemplateStatusChange {
  const value = objectAt(input, path);
  const event = textAt(value, 'event', path, 100);
  if (!event) throw invalid(`${path}.event`, 'missing');
  const rejection = value.rejection_info;
  const rejectionReason = isObject(rejection)
    ? textAt(rejection, 'reason', `${path}.rejection_info`)
    : undefined;
  const other = value.other_info;
  return {
    event,
    ...readTemplateRef(value, path),
    reason: textAt(value, 'reason', path, 200) ?? null,
    rejectionInfo:
      isObject(rejection) && rejectionReason
        ? {
            reason: rejectionReason,
            recommendation: textAt(rejection, 'recommendation', `${path}.rejection_info`) ?? null,
          }
        : null,
    otherInfo: isObject(other)
      ? {
          title: textAt(other, 'title', `${path}.other_info`, 200) ?? null,
          description: textAt(other, 'description', `${path}.other_info`) ?? null,
        }
      : null,
  };
}

/** The template a template webhook is about: `message_template_id` (a JSON number), name and language. */
function readTemplateRef(value: JsonObject, path: string): TemplateRef {
  const templateId = idAt(value, 'message_template_id', path);
  const name = textAt(value, 'message_template_name', path, 512);
  const language = textAt(value, 'message_template_language', path, 20);
  if (!templateId && !(name && language)) throw invalid(`${path}.message_template_id`, 'missing');
  return {
    ...(templateId ? { templateId } : {}),
    ...(name ? { name } : {}),
    ...(language ? { language } : {}),
  };
}

/** A `message_template_quality_update` change value (`new_quality_score`). Throws VALIDATION when malformed. */
export function readTemplateQuality(input: unknown, path: string): TemplateRef & { score: string } {
  const value = objectAt(input, path);
  const score = textAt(value, 'new_quality_score', path, 50);
  if (!score) throw invalid(`${path}.new_quality_score`, 'missing');
  return { ...readTemplateRef(value, path), score: score.toUpperCase() };
}

/** A `template_category_update` change value (`new_category`, `previous_category`). */
export function readTemplateCategory(
  input: unknown,
  path: string,
): TemplateRef & { newCategory: string; previousCategory: string | null } {
  const value = objectAt(input, path);
  const newCategory = textAt(value, 'new_category', path, 50);
  if (!newCategory) throw invalid(`${path}.new_category`, 'missing');
  return {
    ...readTemplateRef(value, path),
    newCategory: newCategory.toUpperCase(),
    previousCategory: textAt(value, 'previous_category', path, 50)?.toUpperCase() ?? null,
  };
}

/** A page `leadgen` change value. Throws VALIDATION when malformed. */
export function readLeadgen(input: unknown, path: string): LeadgenChange {
  const value = objectAt(input, path);
  const leadgenId = idAt(value, 'leadgen_id', path);
  if (!leadgenId) throw invalid(`${path}.leadgen_id`, 'missing');
  const change: LeadgenChange = { leadgenId };
  const pageId = idAt(value, 'page_id', path);
  const formId = idAt(value, 'form_id', path);
  const adId = idAt(value, 'ad_id', path);
  const adgroupId = idAt(value, 'adgroup_id', path);
  const createdTime = unixSecondsAt(value, 'created_time', path);
  if (pageId) change.pageId = pageId;
  if (formId) change.formId = formId;
  if (adId) change.adId = adId;
  if (adgroupId) change.adgroupId = adgroupId;
  if (createdTime) change.createdTime = createdTime;
  return change;
}
