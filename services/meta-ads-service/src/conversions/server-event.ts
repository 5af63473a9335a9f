import { createHash } from 'node:crypto';
import type { ConversionEventName, ConversionPoint, ConversionSettingsView } from '@crm/contracts';

/** What the CRM says about the lead (from `crm.leads.get`). */
export type AttributedLead = {
  id: string;
  phone: string | null;
  email: string | null;
  ctwaClid: string | null;
  metaLeadgenId: string | null;
};

/** A CRM fact that may be a pipeline point: when it happened and, for a sale, its amount. */
export type PipelineFact = {
  point: ConversionPoint;
  occurredAt: Date;
  value?: number;
  currency?: string;
};

/** One event of Meta's Conversions API (`data[]` of `POST /{dataset_id}/events`). */
export type ServerEvent = {
  event_name: ConversionEventName;
  event_time: number;
  event_id: string;
  action_source: 'system_generated' | 'business_messaging';
  messaging_channel?: 'whatsapp';
  user_data: { lead_id?: string; ctwa_clid?: string; ph?: string[]; em?: string[] };
  custom_data?: { value?: number; currency?: string; event_source?: 'crm'; lead_event_source?: string };
};

export type PlannedConversion = {
  eventName: ConversionEventName;
  eventId: string;
  keyedBy: 'lead_id' | 'ctwa_clid';
  serverEvent: ServerEvent;
};

/** The CRM's name in `custom_data.lead_event_source` (Conversions API for CRM). */
export const LEAD_EVENT_SOURCE = 'CRM Ventas';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Meta's normalisation before hashing: a phone as digits with the country code, an email trimmed and lower-cased. */
export const hashedPhone = (phone: string | null): string | undefined => {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 8 ? sha256(digits) : undefined;
};
export const hashedEmail = (email: string | null): string | undefined => {
  const normalised = (email ?? '').trim().toLowerCase();
  return normalised.includes('@') ? sha256(normalised) : undefined;
};

/** Deterministic, so a redelivered CRM event or a resend after a crash carries the same id (Meta dedupes on it). */
export const conversionEventId = (tenantId: string, leadId: string, eventName: ConversionEventName): string =>
  `crm:${tenantId}:${leadId}:${eventName}`;

export const eventNameFor = (
  settings: ConversionSettingsView,
  point: ConversionPoint,
): ConversionEventName | null => {
  if (!settings.enabled || !settings.datasetId) return null;
  if (point === 'qualified') return settings.qualifiedEvent;
  if (point === 'opportunity') return settings.opportunityEvent;
  return settings.wonEvent;
};

/**
 * The server event for a lead reaching a pipeline point, or null when nothing is sent: the tenant's setting is off
 * or maps the point to nothing, or the lead is not keyed to Meta (neither a Lead Ads `lead_id` nor a `ctwa_clid`).
 * A Lead Ads lead is a CRM event (`system_generated`, `lead_id`); a Click-to-WhatsApp lead a business messaging
 * event (`business_messaging`, `messaging_channel: whatsapp`, `ctwa_clid`). Purchase carries the sale's value.
 */
export function planConversion(
  tenantId: string,
  settings: ConversionSettingsView,
  lead: AttributedLead,
  fact: PipelineFact,
): PlannedConversion | null {
  const eventName = eventNameFor(settings, fact.point);
  if (!eventName) return null;
  if (!lead.metaLeadgenId && !lead.ctwaClid) return null;
  if (eventName === 'Purchase' && (fact.value === undefined || !fact.currency)) return null;
  const eventId = conversionEventId(tenantId, lead.id, eventName);
  const ph = hashedPhone(lead.phone);
  const em = hashedEmail(lead.email);
  const hashes = { ...(ph ? { ph: [ph] } : {}), ...(em ? { em: [em] } : {}) };
  const money = eventName === 'Purchase' ? { value: fact.value, currency: fact.currency!.toUpperCase() } : {};
  const base = {
    event_name: eventName,
    event_time: Math.floor(fact.occurredAt.getTime() / 1000),
    event_id: eventId,
  };
  if (lead.metaLeadgenId) {
    return {
      eventName,
      eventId,
      keyedBy: 'lead_id',
      serverEvent: {
        ...base,
        action_source: 'system_generated',
        user_data: { lead_id: lead.metaLeadgenId, ...hashes },
        custom_data: { event_source: 'crm', lead_event_source: LEAD_EVENT_SOURCE, ...money },
      },
    };
  }
  return {
    eventName,
    eventId,
    keyedBy: 'ctwa_clid',
    serverEvent: {
      ...base,
      action_source: 'business_messaging',
      messaging_channel: 'whatsapp',
      user_data: { ctwa_clid: lead.ctwaClid!, ...hashes },
      ...(eventName === 'Purchase' ? { custom_data: money } : {}),
    },
  };
}
