import type { IsoInstant } from './common';

export const RULE_KEYS = ['lead_followup'] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

/** Values a template variable can be mapped to. */
export const VARIABLE_SOURCES = [
  'lead.name',
  'lead.first_name',
  'lead.phone',
  'lead.email',
  'seller.name',
  'tenant.name',
] as const;
export type VariableSource = (typeof VARIABLE_SOURCES)[number];

export const MAX_DELAY_SECONDS = 30 * 24 * 3600;

export type RuleView = {
  key: RuleKey;
  enabled: boolean;
  delaySeconds: number;
  templateName: string | null;
  templateLanguage: string | null;
  /** Source of each `{{n}}`, in order. */
  variableMapping: VariableSource[];
  /** null while the tenant has never saved the rule (it runs on the defaults). */
  updatedAt: IsoInstant | null;
};

export const SEND_STATUSES = [
  'scheduled',
  'sending',
  'sent',
  'delivered',
  'read',
  'replied',
  'failed',
  'skipped',
] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export type SendHistoryEntry = { status: SendStatus; at: IsoInstant; detail: string | null };

export type AutomationLogView = {
  id: string;
  ruleKey: RuleKey;
  leadId: string;
  leadName: string | null;
  phone: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  status: SendStatus;
  wamid: string | null;
  error: { code: string; message: string } | null;
  scheduledFor: IsoInstant;
  sentAt: IsoInstant | null;
  deliveredAt: IsoInstant | null;
  readAt: IsoInstant | null;
  repliedAt: IsoInstant | null;
  history: SendHistoryEntry[];
};

export type AutomationMetrics = {
  /** Waiting to go out (`scheduled` or being sent right now). */
  scheduled: number;
  /** Reached WhatsApp's `sent` or any later state (the base of the rates). */
  sent: number;
  /** Reached `delivered` or later (a `read` implies delivered). */
  delivered: number;
  /** Reached `read` or later. */
  read: number;
  replied: number;
  failed: number;
  skipped: number;
  /** delivered / sent, 0..1; null when nothing was sent. */
  deliveryRate: number | null;
  /** read / sent, 0..1; null when nothing was sent. */
  readRate: number | null;
  /** replied / sent, 0..1; null when nothing was sent. */
  replyRate: number | null;
};
