import { randomBytes } from 'node:crypto';
import { GraphError } from '../http/graph-error';
import type { SandboxState } from '../state/sandbox-state';
import { FREE_ENTRY_POINT_MS, newWamid } from './message-service';
import { requirePhone } from './phone-format';
import { emitWebhook } from './webhook-emitter';
import { inboundMessageWebhook, type QuickReplyButton, type Referral } from './webhook-payloads';

export type InboundRequest = {
  from?: unknown;
  name?: unknown;
  text?: unknown;
  phoneNumberId?: unknown;
  adId?: unknown;
  contextWamid?: unknown;
  /** A quick-reply button instead of typed text: `text` is the button's label. */
  button?: QuickReplyButton;
};

export type InboundResult = {
  wamid: string;
  ctwaClid?: string;
  delivered: boolean;
  status: number | null;
  waId: string;
  phoneNumberId: string;
};

const badRequest = (message: string): GraphError =>
  new GraphError({ message: `(#100) ${message}`, code: 100 });

/**
 * A user writes to the business: records the message, opens the 24 h customer-service window (72 h free entry point
 * for CTWA), POSTs the signed `messages` webhook and resolves after the first delivery try.
 */
export const simulateInbound = async (
  state: SandboxState,
  request: InboundRequest,
): Promise<InboundResult> => {
  const { dataset } = state;
  const from = requirePhone(request.from, 'from');
  const phoneNumberId =
    typeof request.phoneNumberId === 'string' ? request.phoneNumberId : dataset.phoneNumbers[0].id;
  const phone = dataset.phoneNumbers.find((p) => p.id === phoneNumberId);
  if (!phone) throw badRequest(`Unknown phoneNumberId ${phoneNumberId}`);
  const waba = dataset.wabas.find((w) => w.id === phone.wabaId);
  if (!waba) throw badRequest(`Unknown WABA for ${phoneNumberId}`);
  let referral: Referral | undefined;
  let ctwaClid: string | undefined;
  if (request.adId !== undefined) {
    const ad = dataset.ads.find((a) => a.id === String(request.adId));
    if (!ad) throw badRequest(`Unknown adId ${String(request.adId)}`);
    ctwaClid = `ARA${randomBytes(45).toString('base64url')}`;
    referral = {
      source_url: `https://fb.me/${ad.id.slice(-10)}`,
      source_id: ad.id,
      source_type: 'ad',
      body: ad.body,
      headline: ad.headline,
      media_type: 'image',
      image_url: `https://scontent.xx.fbcdn.net/v/sandbox/${ad.creativeId}.jpg`,
      ctwa_clid: ctwaClid,
      welcome_message: { text: '¡Hola! Cuéntanos qué propiedad te interesa.' },
    };
  }
  const text =
    typeof request.text === 'string' && request.text !== ''
      ? request.text
      : referral
        ? 'Hola, me interesa esta propiedad. ¿Me das más información?'
        : '';
  if (text === '') throw badRequest('text is required');
  const now = state.now();
  const wamid = newWamid(from);
  const key = state.windowKey(phone.id, from);
  const previous = state.windows.get(key);
  state.windows.set(key, {
    lastInboundAt: now,
    freeEntryPointUntil: referral ? now + FREE_ENTRY_POINT_MS : previous?.freeEntryPointUntil,
  });
  state.inbound.push({
    wamid,
    phoneNumberId: phone.id,
    from,
    text,
    referral: referral && ctwaClid ? { adId: referral.source_id, ctwaClid } : undefined,
    contextWamid: typeof request.contextWamid === 'string' ? request.contextWamid : undefined,
    createdAt: now,
  });
  const payload = inboundMessageWebhook({
    waba,
    phone,
    from,
    name: typeof request.name === 'string' && request.name !== '' ? request.name : 'Cliente WhatsApp',
    wamid,
    timestamp: Math.floor(now / 1000),
    text,
    referral,
    contextWamid: typeof request.contextWamid === 'string' ? request.contextWamid : undefined,
    button: request.button,
  });
  const emitted = emitWebhook(state, 'message', payload, { wamid, from });
  const attempt = await emitted.firstAttempt;
  return {
    wamid,
    ctwaClid,
    delivered: attempt.status !== null && attempt.status >= 200 && attempt.status < 300,
    status: attempt.status,
    waId: from,
    phoneNumberId: phone.id,
  };
};
