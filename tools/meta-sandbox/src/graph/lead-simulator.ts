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
  /** Unix seconds in the past (a lead submitted earlier, e.g. during an outage); default now. */
  createdTime?: unknown;
  /** `false`: Meta's webhook never arrives (an outage, a Page subscribed later): only a bulk read finds the lead. */
  webhook?: unknown;
  /** More answers by question key (`city`, a custom question's key…), as the form's field_data. */
  answers?: unknown;
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

const readCreatedTime = (value: unknown, now: number): number => {
  if (value === undefined) return now;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value * 1000 > now)
    throw badRequest('createdTime must be unix seconds, not in the future');
  return value * 1000;
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
  const createdAt = readCreatedTime(request.createdTime, now);
  const fieldData: LeadRecord['fieldData'] = [{ name: 'full_name', values: [request.fullName.trim()] }];
  if (typeof request.email === 'string' && request.email !== '')
    fieldData.push({ name: 'email', values: [request.email] });
  if (typeof request.phone === 'string' && request.phone !== '')
    fieldData.push({ name: 'phone_number', values: [request.phone] });
  if (request.answers !== undefined) {
    if (typeof request.answers !== 'object' || request.answers === null || Array.isArray(request.answers))
      throw badRequest('answers must be an object of question key → answer');
    for (const [key, value] of Object.entries(request.answers)) {
      if (typeof value !== 'string') throw badRequest(`answers.${key} must be a string`);
      fieldData.push({ name: key, values: [value] });
    }
  }
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
    createdAt,
    fieldData,
    isOrganic: adId === undefined,
  };
  state.leads.set(id, lead);
  const result = {
    leadgenId: id,
    formId: form.id,
    pageId: form.pageId,
    adId,
    createdTime: Math.floor(createdAt / 1000),
  };
  if (request.webhook === false) return { ...result, delivered: false, status: null };
  const emitted = emitWebhook(state, 'leadgen', leadgenWebhook(lead, Math.floor(now / 1000)), {
    leadgenId: id,
  });
  const attempt = await emitted.firstAttempt;
  return {
    ...result,
    delivered: attempt.status !== null && attempt.status >= 200 && attempt.status < 300,
    status: attempt.status,
  };
};
