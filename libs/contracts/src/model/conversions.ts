import type { IsoInstant } from './common';

/**
 * The Conversions API loop (issue 8, point 8): a Meta-attributed lead reaching a pipeline point sends one server event
 * to the tenant's dataset. Pipeline points and the event names each may send (null = that point sends nothing).
 */
export const CONVERSION_POINTS = ['qualified', 'opportunity', 'won'] as const;
export type ConversionPoint = (typeof CONVERSION_POINTS)[number];
export const CONVERSION_EVENT_NAMES = ['Lead', 'QualifiedLead', 'Purchase'] as const;
export type ConversionEventName = (typeof CONVERSION_EVENT_NAMES)[number];
/** `won` sends only `Purchase` (it carries the sale's value and currency); the others a lead-stage event. */
export const LEAD_STAGE_EVENT_NAMES = ['Lead', 'QualifiedLead'] as const;

export type ConversionSettingsView = {
  enabled: boolean;
  /** The dataset (pixel) id events go to; null until chosen. */
  datasetId: string | null;
  qualifiedEvent: ConversionEventName | null;
  opportunityEvent: ConversionEventName | null;
  wonEvent: ConversionEventName | null;
  updatedAt: IsoInstant | null;
};

export type ConversionDatasetOption = { id: string; name: string };

export const CONVERSION_LOG_STATES = ['pending', 'sent', 'parked'] as const;
export type ConversionLogState = (typeof CONVERSION_LOG_STATES)[number];

export type ConversionLogEntry = {
  leadId: string;
  /** The lead's name when the event was queued (null for rows queued before names were kept). */
  leadName: string | null;
  eventName: ConversionEventName;
  point: ConversionPoint;
  eventId: string;
  datasetId: string;
  /** `lead_id` (Lead Ads) or `ctwa_clid` (Click-to-WhatsApp). */
  keyedBy: 'lead_id' | 'ctwa_clid';
  value: number | null;
  currency: string | null;
  eventTime: IsoInstant;
  state: ConversionLogState;
  attempts: number;
  /** Why the last try failed (retrying) or why it was parked. */
  lastError: { code: string; message: string; at: IsoInstant } | null;
  sentAt: IsoInstant | null;
  createdAt: IsoInstant;
};
