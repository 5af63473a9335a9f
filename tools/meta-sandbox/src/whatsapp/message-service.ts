import { randomBytes } from 'node:crypto';
import type { SandboxPhoneNumber, SandboxTemplate, SandboxWaba } from '../dataset/dataset.types';
import { GraphError, graphErrors } from '../http/graph-error';
import { meterCall } from '../http/rate-limit';
import { bodyObject } from '../http/request-params';
import type { SandboxState, SentMessage, StatusName, TokenBucket } from '../state/sandbox-state';
import type { GraphContext } from '../graph/graph-context';
import { isUndeliverable, requirePhone } from './phone-format';
import { emitWebhook } from './webhook-emitter';
import { statusWebhook, type PricingInfo } from './webhook-payloads';

export const SERVICE_WINDOW_MS = 24 * 3600 * 1000;
export const FREE_ENTRY_POINT_MS = 72 * 3600 * 1000;

const SESSION_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
];

/** A wamid shaped like Meta's: base64 of a small binary envelope holding the user's number and a message id. */
export const newWamid = (waId = '0'): string => {
  const phone = Buffer.from(waId, 'ascii');
  const messageId = Buffer.from(randomBytes(9).toString('hex').toUpperCase(), 'ascii');
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, phone.length]),
    phone,
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, messageId.length]),
    messageId,
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
};

const waError = (code: number, message: string, details: string, httpStatus = 400): GraphError =>
  new GraphError({
    message: `(#${code}) ${message}`,
    code,
    httpStatus,
    errorData: { messaging_product: 'whatsapp', details },
  });

const placeholderCount = (text: string): number =>
  new Set(text.match(/\{\{\s*\d+\s*\}\}/g)?.map((p) => p.replace(/\D/g, '')) ?? []).size;

type ComponentParams = { type: string; parameters: unknown[] };

const componentsOf = (template: Record<string, unknown>): ComponentParams[] => {
  const raw = template.components;
  if (raw === undefined) return [];
  if (!Array.isArray(raw))
    throw graphErrors.invalidParameter("(#100) Param template['components'] must be an array");
  return raw.map((c) => {
    const component = (c ?? {}) as Record<string, unknown>;
    return {
      type: String(component.type ?? '').toLowerCase(),
      parameters: Array.isArray(component.parameters) ? component.parameters : [],
    };
  });
};

const paramText = (parameter: unknown): string => {
  const p = (parameter ?? {}) as Record<string, unknown>;
  if (typeof p.text === 'string') return p.text;
  const currency = p.currency as Record<string, unknown> | undefined;
  if (currency && typeof currency.fallback_value === 'string') return currency.fallback_value;
  const dateTime = p.date_time as Record<string, unknown> | undefined;
  if (dateTime && typeof dateTime.fallback_value === 'string') return dateTime.fallback_value;
  return JSON.stringify(p);
};

/**
 * A media header takes one parameter of its own type with the file: `{type: "image", image: {link: "https://…"}}`
 * (or `{id}` of an uploaded media). Anything else — no header parameter, text, another type — is 132012.
 */
const checkMediaHeader = (format: 'IMAGE' | 'VIDEO' | 'DOCUMENT', parameters: unknown[]): void => {
  const type = format.toLowerCase();
  const parameter = (parameters.length === 1 ? parameters[0] : undefined) as
    Record<string, unknown> | undefined;
  const media =
    parameter?.type === type ? (parameter[type] as Record<string, unknown> | undefined) : undefined;
  const link = typeof media?.link === 'string' ? media.link : undefined;
  const id = typeof media?.id === 'string' || typeof media?.id === 'number' ? String(media.id) : undefined;
  if ((link !== undefined && /^https?:\/\/\S+$/.test(link)) || (id !== undefined && id !== '')) return;
  const received = parameters.length === 0 ? 'UNKNOWN' : String(parameter?.type ?? 'UNKNOWN').toUpperCase();
  throw waError(
    132012,
    'Parameter format does not match format in the created template',
    `header: Format mismatch, expected ${format}, received ${received}${
      received === format ? ' without a link or id' : ''
    }`,
  );
};

/**
 * Template checks: exists (132001), approved (132015 paused / 132016 disabled / 132001), param counts (132000), a
 * media header's parameter (132012).
 */
const validateTemplate = (
  state: SandboxState,
  waba: SandboxWaba,
  raw: unknown,
): { template: SandboxTemplate; bodyParams: string[]; components: ComponentParams[] } => {
  const request = (raw ?? {}) as Record<string, unknown>;
  const language = (request.language ?? {}) as Record<string, unknown>;
  const name = request.name;
  const code = language.code;
  if (typeof name !== 'string' || name === '' || typeof code !== 'string' || code === '') {
    throw waError(
      131008,
      'Required parameter is missing',
      'template.name and template.language.code are required',
    );
  }
  const template = state.templates.find(
    (t) => t.wabaId === waba.id && t.name === name && t.language === code,
  );
  if (!template) {
    throw waError(
      132001,
      'Template name does not exist in the translation',
      `template name (${name}) does not exist in ${code}`,
      404,
    );
  }
  if (template.status === 'PAUSED')
    throw waError(132015, 'Template is Paused', `template ${name} is paused due to low quality`);
  if (template.status === 'DISABLED')
    throw waError(132016, 'Template is Disabled', `template ${name} is disabled due to low quality`);
  if (template.status !== 'APPROVED') {
    throw waError(
      132001,
      'Template name does not exist in the translation',
      `template name (${name}) is not approved (status ${template.status}) in ${code}`,
      404,
    );
  }
  const components = componentsOf(request);
  const given = (type: string): unknown[] =>
    components.filter((c) => c.type === type).flatMap((c) => c.parameters);
  for (const part of template.components) {
    if (part.type !== 'BODY' && part.type !== 'HEADER') continue;
    if (part.type === 'HEADER' && part.format !== 'TEXT') {
      checkMediaHeader(part.format, given('header'));
      continue;
    }
    const expected = placeholderCount(part.text);
    const actual = given(part.type.toLowerCase()).length;
    if (expected !== actual) {
      throw waError(
        132000,
        'Number of parameters does not match the expected number of params',
        `${part.type.toLowerCase()}: number of localizable_params (${actual}) does not match the expected number of params (${expected})`,
      );
    }
  }
  return { template, bodyParams: given('body').map(paramText), components };
};

const pricingFor = (state: SandboxState, message: SentMessage): { pricing: PricingInfo; origin: string } => {
  const window = state.windows.get(state.windowKey(message.phoneNumberId, message.to));
  const now = state.now();
  if (window?.freeEntryPointUntil !== undefined && window.freeEntryPointUntil > now) {
    return {
      pricing: {
        billable: false,
        pricing_model: 'PMP',
        type: 'free_entry_point',
        category: 'referral_conversion',
      },
      origin: 'referral_conversion',
    };
  }
  const inWindow = window !== undefined && now - window.lastInboundAt < SERVICE_WINDOW_MS;
  if (!message.template) {
    return {
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
      origin: 'service',
    };
  }
  const category = message.template.category.toLowerCase();
  if (category === 'utility' && inWindow) {
    return {
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category },
      origin: category,
    };
  }
  return { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category }, origin: category };
};

/** sent → delivered → read (or sent → failed for numbers ending in 0000), `statusDelayMs` apart, each signed. */
const runStatusSequence = async (
  state: SandboxState,
  waba: SandboxWaba,
  phone: SandboxPhoneNumber,
  message: SentMessage,
): Promise<void> => {
  const generation = state.currentGeneration;
  const sequence: StatusName[] = message.expectedFailure ? ['sent', 'failed'] : ['sent', 'delivered', 'read'];
  const { pricing, origin } = pricingFor(state, message);
  for (const status of sequence) {
    await state.sleep(state.options.statusDelayMs);
    if (generation !== state.currentGeneration) return;
    const timestamp = Math.floor(state.now() / 1000);
    const payload = statusWebhook({
      waba,
      phone,
      message,
      status,
      timestamp,
      pricing,
      conversationOrigin: origin,
    });
    const entry: SentMessage['statuses'][number] = { status, at: state.now(), delivered: null };
    message.statuses.push(entry);
    const emitted = emitWebhook(state, 'status', payload, { wamid: message.wamid, status });
    const attempt = await emitted.firstAttempt;
    entry.delivered = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
  }
};

/** Take one token from `bucket` (capacity `capacity`, `perMs` ms per token); false when empty. */
const take = (
  buckets: Map<string, TokenBucket>,
  key: string,
  now: number,
  capacity: number,
  perMs: number,
): boolean => {
  const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
  const tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) / perMs);
  if (tokens < 1) {
    buckets.set(key, { tokens, at: now });
    return false;
  }
  buckets.set(key, { tokens: tokens - 1, at: now });
  return true;
};

/**
 * Meta's throughput (130429, HTTP 429) and pair rate limit (131056) for one more message from `phoneNumberId` to
 * `to` (REFERENCE §7.8, §7.9). The pair is checked first; a refused message uses no throughput.
 */
const enforceLimits = (state: SandboxState, phoneNumberId: string, to: string): void => {
  const { mps, pairBurst, pairIntervalMs } = state.whatsappLimits;
  const now = state.now();
  const pairKey = `${phoneNumberId}:${to}`;
  const pair = state.pairBuckets.get(pairKey) ?? { tokens: pairBurst, at: now };
  const pairTokens = Math.min(pairBurst, pair.tokens + (now - pair.at) / pairIntervalMs);
  if (pairTokens < 1) {
    state.pairBuckets.set(pairKey, { tokens: pairTokens, at: now });
    state.limitRejections.pair += 1;
    throw waError(
      131056,
      '(Business Account, Consumer Account) pair rate limit hit',
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    );
  }
  if (!take(state.numberBuckets, phoneNumberId, now, mps, 1000 / mps)) {
    state.limitRejections.throughput += 1;
    throw graphErrors.whatsappThroughput();
  }
  state.pairBuckets.set(pairKey, { tokens: pairTokens - 1, at: now });
};

/** `POST /{phone-number-id}/messages` (REFERENCE §7.3): validate, record, answer, then emit status webhooks. */
export const sendMessage = (ctx: GraphContext, phone: SandboxPhoneNumber): unknown => {
  const { state } = ctx;
  if (!ctx.token.scopes.includes('whatsapp_business_messaging')) throw graphErrors.appPermission();
  const waba = state.dataset.wabas.find((w) => w.id === phone.wabaId);
  if (!waba) throw graphErrors.unknownObject(phone.id, 'post');
  meterCall(state, ctx.res, { buc: 'whatsapp_messaging', ownerId: waba.id });
  const body = bodyObject(ctx.req);
  if (body.messaging_product !== 'whatsapp') {
    throw graphErrors.invalidParameter(
      "(#100) The parameter messaging_product is required and must be 'whatsapp'",
    );
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw graphErrors.invalidParameter('(#100) Only recipient_type individual is supported by the sandbox');
  }
  const input = typeof body.to === 'string' ? body.to : '';
  const to = requirePhone(body.to);
  const type = typeof body.type === 'string' ? body.type : 'text';
  const message: SentMessage = {
    wamid: newWamid(to),
    phoneNumberId: phone.id,
    to,
    input,
    type,
    bizOpaqueCallbackData:
      typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined,
    createdAt: state.now(),
    statuses: [],
    expectedFailure: isUndeliverable(to),
  };
  if (type === 'template') {
    const { template, bodyParams, components } = validateTemplate(state, waba, body.template);
    message.template = {
      name: template.name,
      language: template.language,
      category: template.category,
      bodyParams,
      components,
    };
  } else if (SESSION_TYPES.includes(type)) {
    const window = state.windows.get(state.windowKey(phone.id, to));
    const now = state.now();
    // A CTWA free entry point keeps the conversation open for 72 h (REFERENCE §7.8), beyond the 24 h window.
    const open =
      window !== undefined &&
      (now - window.lastInboundAt < SERVICE_WINDOW_MS ||
        (window.freeEntryPointUntil !== undefined && window.freeEntryPointUntil > now));
    if (!open) {
      throw waError(
        131047,
        'Re-engagement message',
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      );
    }
    if (type === 'text') {
      const text = (body.text ?? {}) as Record<string, unknown>;
      if (typeof text.body !== 'string' || text.body === '')
        throw waError(131008, 'Required parameter is missing', 'text.body is required');
      message.text = text.body;
    }
  } else {
    throw graphErrors.invalidParameter(
      `(#100) Param type must be one of {template, ${SESSION_TYPES.join(', ')}}`,
    );
  }
  if (state.failBeforeAccept > 0) {
    // Meta's own 5xx before it took the message: nothing recorded, no status webhook, ever.
    state.failBeforeAccept -= 1;
    throw new GraphError({
      message: '(#131000) Something went wrong',
      code: 131000,
      httpStatus: 500,
      isTransient: true,
      errorData: { messaging_product: 'whatsapp', details: 'Something went wrong' },
    });
  }
  enforceLimits(state, phone.id, to);
  state.messages.push(message);
  void runStatusSequence(state, waba, phone, message);
  if (state.failAfterAccept.remaining > 0) {
    // Accepted, recorded and delivered as usual, but the answer is lost: a 5xx, or a 2xx without a message id.
    state.failAfterAccept.remaining -= 1;
    if (state.failAfterAccept.mode === 'no_wamid')
      return { messaging_product: 'whatsapp', contacts: [], messages: [] };
    throw new GraphError({
      message: '(#131000) Something went wrong',
      code: 131000,
      httpStatus: 500,
      isTransient: true,
      errorData: { messaging_product: 'whatsapp', details: 'Something went wrong' },
    });
  }
  return {
    messaging_product: 'whatsapp',
    contacts: [{ input, wa_id: to }],
    messages: [{ id: message.wamid, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
  };
};
