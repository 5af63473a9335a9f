import { createHash } from 'node:crypto';
import type { Dataset, SandboxBusiness } from '../dataset/dataset.types';
import { requireScope } from '../http/access-token';
import { GraphError, graphErrors, newTraceId } from '../http/graph-error';
import { param } from '../http/request-params';
import type { GraphContext } from '../graph/graph-context';
import type { SandboxState } from '../state/sandbox-state';

/**
 * Meta's Conversions API as CRM Ventas uses it: `GET /{business}/owned_pixels` lists the business's datasets and
 * `POST /{dataset_id}/events` takes server events (Server Event Parameters, Customer Information Parameters, the
 * Conversions API for CRM and for Business Messaging). The whole request is refused when one event is invalid
 * (Meta: "we return an error for the entire request and process no events"); accepted events are recorded, and an
 * event whose `event_name` + `event_id` the dataset already has is recorded as a duplicate (Meta deduplicates on
 * that pair) — `events_received` counts it, as Meta's does.
 */

export type SandboxConversionsDataset = { id: string; name: string; businessId: string };

export type ConversionEventRecord = {
  datasetId: string;
  eventName: string;
  eventTime: number;
  eventId: string | null;
  actionSource: string;
  messagingChannel: string | null;
  userData: Record<string, unknown>;
  customData: Record<string, unknown> | null;
  testEventCode: string | null;
  /** Set on an event whose (event_name, event_id) the dataset had already received. */
  duplicate: boolean;
  receivedAt: number;
  fbtraceId: string;
};

export const ACTION_SOURCES = [
  'email',
  'website',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
] as const;
export const MESSAGING_CHANNELS = ['whatsapp', 'messenger', 'instagram'] as const;

/** Customer information parameters Meta wants SHA-256 hashed (lower-case hex of the normalised value). */
const HASHED_USER_FIELDS = ['em', 'ph', 'fn', 'ln', 'db', 'ge', 'ct', 'st', 'zp', 'country', 'external_id'];
/** Customer information parameters sent as they are. */
const PLAIN_USER_FIELDS = [
  'lead_id',
  'ctwa_clid',
  'client_ip_address',
  'client_user_agent',
  'fbc',
  'fbp',
  'subscription_id',
  'fb_login_id',
  'page_id',
  'page_scoped_user_id',
];
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_EVENTS = 1000;
const SEVEN_DAYS_S = 7 * 86_400;
/** Clock skew tolerated for an event_time slightly ahead of ours. */
const FUTURE_SKEW_S = 60;

/**
 * Error subcodes of the sandbox's catalogue: Meta answers these as `(#100) Invalid parameter` with an
 * `error_user_title`; the subcode values are the sandbox's (Meta does not publish a full list).
 */
export const CONVERSION_SUBCODES = {
  missingParameter: 2804001,
  eventTooOld: 2804003,
  eventInFuture: 2804004,
  invalidActionSource: 2804005,
  badHash: 2804007,
  missingUserData: 2804008,
  purchaseValue: 2804019,
  messagingChannel: 2804050,
} as const;

/** The business's dataset: one per business portfolio, with an id that is a function of the business id. */
export const datasetOf = (business: SandboxBusiness): SandboxConversionsDataset => {
  const digits = BigInt(
    `0x${createHash('sha256').update(`dataset:${business.id}`).digest('hex').slice(0, 15)}`,
  )
    .toString()
    .padStart(15, '0')
    .slice(0, 15);
  return { id: `8${digits}`, name: `${business.name} · CRM events`, businessId: business.id };
};

export const datasetsOf = (dataset: Dataset): SandboxConversionsDataset[] =>
  dataset.businesses.map(datasetOf);

export const findDataset = (state: SandboxState, id: string): SandboxConversionsDataset | undefined =>
  datasetsOf(state.dataset).find((d) => d.id === id);

const invalid = (subcode: number, title: string, userMsg: string): GraphError =>
  new GraphError({
    message: 'Invalid parameter',
    code: 100,
    subcode,
    isTransient: false,
    userTitle: title,
    userMsg,
  });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `data` from a JSON body (an array) or a form / query parameter (a JSON string, as Meta's examples send it). */
const readData = (ctx: GraphContext): unknown[] => {
  const body: unknown = ctx.req.body;
  let data: unknown = isObject(body) ? body.data : undefined;
  if (data === undefined) data = param(ctx.req, 'data');
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      throw invalid(
        CONVERSION_SUBCODES.missingParameter,
        'Invalid data',
        'The parameter data must be a JSON array of events.',
      );
    }
  }
  if (data === undefined) {
    throw graphErrors.invalidParameter('The parameter data is required');
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw invalid(
      CONVERSION_SUBCODES.missingParameter,
      'Invalid data',
      'The parameter data must be a non-empty array of events.',
    );
  }
  if (data.length > MAX_EVENTS) {
    throw invalid(
      CONVERSION_SUBCODES.missingParameter,
      'Too many events',
      `At most ${MAX_EVENTS} events per request.`,
    );
  }
  return data;
};

const hashedValues = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Checks one event as Meta documents it; returns its record (without the dedupe flag) or throws the request's error. */
const checkEvent = (
  raw: unknown,
  index: number,
  datasetId: string,
  nowS: number,
): Omit<ConversionEventRecord, 'duplicate' | 'receivedAt' | 'fbtraceId' | 'testEventCode'> => {
  const at = `data[${index}]`;
  if (!isObject(raw)) {
    throw invalid(CONVERSION_SUBCODES.missingParameter, 'Invalid event', `${at} must be an object.`);
  }
  const missing = (field: string) =>
    invalid(
      CONVERSION_SUBCODES.missingParameter,
      'Missing parameter',
      `${at}: the parameter ${field} is required.`,
    );
  if (typeof raw.event_name !== 'string' || raw.event_name.trim() === '') throw missing('event_name');
  const time =
    typeof raw.event_time === 'string' && /^\d+$/.test(raw.event_time)
      ? Number(raw.event_time)
      : raw.event_time;
  if (typeof time !== 'number' || !Number.isInteger(time)) throw missing('event_time');
  if (time < nowS - SEVEN_DAYS_S) {
    throw invalid(
      CONVERSION_SUBCODES.eventTooOld,
      'Event Timestamp Too Old',
      `${at}: event_time ${time} is more than 7 days in the past; no event of this request was processed.`,
    );
  }
  if (time > nowS + FUTURE_SKEW_S) {
    throw invalid(
      CONVERSION_SUBCODES.eventInFuture,
      'Event Timestamp In Future',
      `${at}: event_time ${time} is in the future.`,
    );
  }
  if (typeof raw.action_source !== 'string' || raw.action_source === '') throw missing('action_source');
  if (!(ACTION_SOURCES as readonly string[]).includes(raw.action_source)) {
    throw invalid(
      CONVERSION_SUBCODES.invalidActionSource,
      'Invalid action_source',
      `${at}: action_source must be one of ${ACTION_SOURCES.join(', ')}.`,
    );
  }
  if (!isObject(raw.user_data)) throw missing('user_data');
  const userData = raw.user_data;
  for (const field of HASHED_USER_FIELDS) {
    if (userData[field] === undefined) continue;
    for (const value of hashedValues(userData[field])) {
      if (typeof value !== 'string' || !SHA256_HEX.test(value)) {
        throw invalid(
          CONVERSION_SUBCODES.badHash,
          'Invalid hashed value',
          `${at}: user_data.${field} must be the SHA-256 (lower-case hex) of the normalised value.`,
        );
      }
    }
  }
  const known = [...HASHED_USER_FIELDS, ...PLAIN_USER_FIELDS].filter(
    (field) => userData[field] !== undefined && userData[field] !== '' && userData[field] !== null,
  );
  if (known.length === 0) {
    throw invalid(
      CONVERSION_SUBCODES.missingUserData,
      'Missing customer information',
      `${at}: user_data must contain at least one customer information parameter.`,
    );
  }
  if (userData.lead_id !== undefined && !/^\d{6,20}$/.test(String(userData.lead_id))) {
    throw invalid(
      CONVERSION_SUBCODES.missingUserData,
      'Invalid lead_id',
      `${at}: user_data.lead_id must be a Lead Ads lead id.`,
    );
  }
  let messagingChannel: string | null = null;
  if (raw.action_source === 'business_messaging') {
    if (
      typeof raw.messaging_channel !== 'string' ||
      !(MESSAGING_CHANNELS as readonly string[]).includes(raw.messaging_channel)
    ) {
      throw invalid(
        CONVERSION_SUBCODES.messagingChannel,
        'Invalid messaging_channel',
        `${at}: business_messaging events need messaging_channel (${MESSAGING_CHANNELS.join(', ')}).`,
      );
    }
    messagingChannel = raw.messaging_channel;
    if (
      messagingChannel === 'whatsapp' &&
      (typeof userData.ctwa_clid !== 'string' || userData.ctwa_clid === '')
    ) {
      throw invalid(
        CONVERSION_SUBCODES.missingUserData,
        'Missing ctwa_clid',
        `${at}: WhatsApp business_messaging events need user_data.ctwa_clid.`,
      );
    }
  }
  let customData: Record<string, unknown> | null = null;
  if (raw.custom_data !== undefined) {
    if (!isObject(raw.custom_data)) throw missing('custom_data');
    customData = raw.custom_data;
  }
  if (raw.event_name === 'Purchase') {
    const value = customData?.value;
    const currency = customData?.currency;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      typeof currency !== 'string' ||
      !/^[A-Za-z]{3}$/.test(currency)
    ) {
      throw invalid(
        CONVERSION_SUBCODES.purchaseValue,
        'Invalid Purchase',
        `${at}: Purchase events need custom_data.value (a number) and custom_data.currency (ISO 4217).`,
      );
    }
  }
  const eventId = raw.event_id === undefined || raw.event_id === null ? null : String(raw.event_id);
  return {
    datasetId,
    eventName: raw.event_name,
    eventTime: time,
    eventId,
    actionSource: raw.action_source,
    messagingChannel,
    userData,
    customData,
  };
};

/** `POST /{dataset_id}/events` → `{events_received, messages, fbtrace_id}`. */
export const receiveEvents = (ctx: GraphContext, dataset: SandboxConversionsDataset): unknown => {
  requireScope(ctx.token, 'ads_management', 'business_management');
  const nowMs = ctx.state.now();
  const nowS = Math.floor(nowMs / 1000);
  const checked = readData(ctx).map((raw, index) => checkEvent(raw, index, dataset.id, nowS));
  const testEventCode = param(ctx.req, 'test_event_code') ?? null;
  const fbtraceId = newTraceId();
  const log = ctx.state.conversions;
  for (const event of checked) {
    const duplicate =
      event.eventId !== null &&
      log.some(
        (r) => r.datasetId === dataset.id && r.eventName === event.eventName && r.eventId === event.eventId,
      );
    log.push({ ...event, testEventCode, duplicate, receivedAt: nowMs, fbtraceId });
  }
  return { events_received: checked.length, messages: [], fbtrace_id: fbtraceId };
};

/** `GET /{business}/owned_pixels` (the business's datasets). */
export const ownedDatasets = (ctx: GraphContext, business: SandboxBusiness): SandboxConversionsDataset[] => {
  requireScope(ctx.token, 'business_management');
  return [datasetOf(business)];
};
