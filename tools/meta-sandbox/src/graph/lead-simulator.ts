import { randomInt } from 'node:crypto';
import { GraphError } from '../http/graph-error';
import type { LeadRecord, SandboxState } from '../state/sandbox-state';
import { emitWebhook } from '../whatsapp/webhook-emitter';
import { leadgenWebhook } from '../whatsapp/webhook-payloads';

export type LeadRequest = {
  /** A lead id of the caller's choosing (digits, unused), e.g. one from Meta's docs; else a random one. */
  leadgenId?: unknown;
  adId?: unknown;
  formId?: unknown;
  fullName?: unknown;
  email?: unknown;
  phone?: unknown;
};

export type LeadResult = {
  leadgenId: string;
  formId: string;
  pageId: string;
  adId?: string;
  createdTime: number;
  delivered: boolean;
  status: number | null;
};

const badRequest = (message: string): GraphError =>
  new GraphError({ message: `(#100) ${message}`, code: 100 });

/** A person submits an instant form: stores the lead and POSTs the signed page `leadgen` webhook. */
export const simulateLead = async (state: SandboxState, request: LeadRequest): Promise<LeadResult> => {
  const { dataset } = state;
  if (typeof request.fullName !== 'string' || request.fullName.trim() === '')
    throw badRequest('fullName is required');
  let adId: string | undefined;
  let formId: string | undefined = typeof request.formId === 'string' ? request.formId : undefined;
  if (request.adId !== undefined) {
    const ad = dataset.ads.find((a) => a.id === String(request.adId));
    if (!ad) throw badRequest(`Unknown adId ${String(request.adId)}`);
    if (!ad.formId) throw badRequest(`Ad ${ad.id} is a click-to-WhatsApp ad without an instant form`);
    adId = ad.id;
    formId = formId ?? ad.formId;
  }
  const form = dataset.leadForms.find((f) => f.id === (formId ?? dataset.leadForms[0].id));
  if (!form) throw badRequest(`Unknown formId ${formId ?? ''}`);
  const now = state.now();
  const fieldData: LeadRecord['fieldData'] = [{ name: 'full_name', values: [request.fullName.trim()] }];
  if (typeof request.email === 'string' && request.email !== '')
    fieldData.push({ name: 'email', values: [request.email] });
  if (typeof request.phone === 'string' && request.phone !== '')
    fieldData.push({ name: 'phone_number', values: [request.phone] });
  let id = '';
  if (request.leadgenId !== undefined) {
    if (typeof request.leadgenId !== 'string' || !/^\d{1,30}$/.test(request.leadgenId))
      throw badRequest('leadgenId must be a string of digits');
    if (state.leads.has(request.leadgenId)) throw badRequest(`Lead ${request.leadgenId} already exists`);
    id = request.leadgenId;
  } else {
    do id = `9${String(randomInt(10 ** 9, 10 ** 10))}${String(randomInt(10 ** 4, 10 ** 5))}`;
    while (state.leads.has(id));
  }
  const lead: LeadRecord = {
    id,
    formId: form.id,
    pageId: form.pageId,
    adId,
    createdAt: now,
    fieldData,
    isOrganic: adId === undefined,
  };
  state.leads.set(id, lead);
  const emitted = emitWebhook(state, 'leadgen', leadgenWebhook(lead, Math.floor(now / 1000)), {
    leadgenId: id,
  });
  const attempt = await emitted.firstAttempt;
  return {
    leadgenId: id,
    formId: form.id,
    pageId: form.pageId,
    adId,
    createdTime: Math.floor(now / 1000),
    delivered: attempt.status !== null && attempt.status >= 200 && attempt.status < 300,
    status: attempt.status,
  };
};
