import type { IsoInstant } from './common';
import type { TemplateView } from './meta';

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

export type SendHistoryEntry = { status: SendState; at: IsoInstant; detail: string | null };

export type AutomationLogView = {
  id: string;
  /** A built-in key (`RuleKey`) or a user rule's `r_<12 hex>`. */
  ruleKey: string;
  leadId: string;
  leadName: string | null;
  phone: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  /** Any `SEND_STATES` value, `unknown` and `cancelled` included (issue 7). */
  status: SendState;
  wamid: string | null;
  /** `reason` (issue 7): why it failed or waits, as a `SEND_REASONS` code the UI translates. */
  error: { code: string; message: string; reason?: SendReason } | null;
  scheduledFor: IsoInstant;
  sentAt: IsoInstant | null;
  deliveredAt: IsoInstant | null;
  readAt: IsoInstant | null;
  repliedAt: IsoInstant | null;
  history: SendHistoryEntry[];
  /** Issue 7: what the send is about: one occurrence of its rule, and the opportunity or sale it names. */
  occurrenceKey?: string;
  opportunityId?: string | null;
  saleId?: string | null;
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

// ---------------------------------------------------------------------------------------------------------------
// Issue 7 — the rule engine, recipient protection, templates end to end. The names above stay for compatibility;
// `RULE_KEYS` are the three built-in rules, user rules have server-made keys (`CUSTOM_RULE_KEY_PATTERN`).
// ---------------------------------------------------------------------------------------------------------------

export const BUILTIN_RULE_KEYS = ['lead_followup', 'opportunity_reminder', 'post_sale_feedback'] as const;
export type BuiltinRuleKey = (typeof BUILTIN_RULE_KEYS)[number];
/** Keys of rules users create: `r_` and 12 lowercase hex digits, made by automation-service. */
export const CUSTOM_RULE_KEY_PATTERN = /^r_[0-9a-f]{12}$/;
/** Any rule key, built-in or custom, as it travels in URLs and payloads. */
export const RULE_KEY_PATTERN = /^(lead_followup|opportunity_reminder|post_sale_feedback|r_[0-9a-f]{12})$/;

/**
 * What starts a rule. Offsets: `delaySeconds` after the event, except `opportunity.deadline` (that long BEFORE the
 * deadline) and `no_reply` (that long after our last message without an inbound reply).
 */
export const RULE_TRIGGERS = [
  'lead.created',
  'lead.status_changed',
  'lead.assigned',
  'opportunity.created',
  'opportunity.deadline',
  'opportunity.won',
  'opportunity.lost',
  'sale.completed',
  'no_reply',
] as const;
export type RuleTriggerType = (typeof RULE_TRIGGERS)[number];

export type RuleTrigger = {
  type: RuleTriggerType;
  /** `lead.status_changed` only: the status the lead moved to. */
  toStatus?: string | null;
};

/** All given conditions must hold (AND); an empty list or a missing field means "any". Checked again when due. */
export type RuleConditions = {
  leadSources?: string[];
  leadStatuses?: string[];
  campaignIds?: string[];
  adIds?: string[];
  sellerIds?: string[];
  tags?: string[];
  /** Opportunity triggers only: value bounds in the opportunity's currency. */
  minOpportunityValue?: number | null;
  maxOpportunityValue?: number | null;
};

/** Hours a person may be messaged, in the recipient's timezone (else the tenant's). Days 0 = Sunday … 6. */
export type SendWindow = { days: number[]; start: string; end: string };
export const DEFAULT_SEND_WINDOW: SendWindow = { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '20:00' };

/** Template variable sources (superset of `VARIABLE_SOURCES`). */
export const TEMPLATE_VARIABLE_SOURCES = [
  ...VARIABLE_SOURCES,
  'seller.first_name',
  'seller.phone',
  'opportunity.title',
  'opportunity.value',
  'opportunity.deadline',
  'sale.amount',
  'sale.completed_at',
] as const;
export type TemplateVariableSource = (typeof TEMPLATE_VARIABLE_SOURCES)[number];

/** Media header formats (Meta's `HEADER` component `format`, other than TEXT and LOCATION). */
export const MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;
export type MediaHeaderFormat = (typeof MEDIA_HEADER_FORMATS)[number];

/**
 * The media a template with an IMAGE/VIDEO/DOCUMENT header is sent with: Meta requires it as the header's parameter on
 * every send (`{type: "image", image: {link}}`; without it Meta answers 132012). A public https link, fetched by Meta.
 */
export type HeaderMedia = { format: MediaHeaderFormat; link: string; filename?: string | null };

/** Where each template parameter comes from: header `{{1}}`, body `{{1}}..{{n}}`, URL button suffix by index. */
export type TemplateMapping = {
  header: TemplateVariableSource[];
  body: TemplateVariableSource[];
  buttons: { index: number; source: TemplateVariableSource }[];
  /** Templates with a media header only: the media sent as that header (absent otherwise). */
  headerMedia?: HeaderMedia | null;
};

export type RuleLimits = {
  /** Marketing templates may go to a contact at most this often (default 1 per 24 h, tenant-wide). */
  respectFrequencyCap: boolean;
  /** Utility templates may still go to opted-out contacts (e.g. a reminder of a booked appointment). */
  utilityToOptedOut: boolean;
  /**
   * At most this many sends of this rule per contact (phone) in `perDays` days — ever when `perDays` is null; null =
   * no limit beyond once per occurrence. Enforced when due (not for a person's trigger): beyond it, `skipped`
   * with reason `rule_limit`.
   */
  maxPerContact: number | null;
  perDays: number | null;
};

/** A rule paused by the system (e.g. Meta paused or disabled its template); the ceo sees why. */
export type RulePause = {
  reason: 'template_paused' | 'template_disabled' | 'token_expired';
  message: string;
  at: IsoInstant;
};

export type AutomationRuleView = {
  key: string;
  builtIn: boolean;
  /** The user's name for it; built-in rules have a translated name in the UI and null here. */
  name: string | null;
  enabled: boolean;
  trigger: RuleTrigger;
  delaySeconds: number;
  conditions: RuleConditions;
  templateName: string | null;
  templateLanguage: string | null;
  /** Body mapping, kept for compatibility (equals `mapping.body`). */
  variableMapping: TemplateVariableSource[];
  mapping: TemplateMapping;
  /** Inside the contact's customer-service window the rule sends this text instead of the template (`{{n}}` = body mapping). */
  freeFormText: string | null;
  sendWindow: SendWindow | null;
  limits: RuleLimits;
  pause: RulePause | null;
  updatedAt: IsoInstant | null;
};

/**
 * Send states. `unknown`: the request left us and no answer settled it (timeout, 5xx after accepting, crash) — it is
 * never re-sent; a status webhook or reconciliation settles it. `cancelled`: the condition stopped holding before
 * the send was due (lead contacted, opportunity closed, sale refunded, rule deleted).
 */
export const SEND_STATES = [...SEND_STATUSES, 'unknown', 'cancelled'] as const;
export type SendState = (typeof SEND_STATES)[number];

/** Why a send did not go out or failed, as codes the UI translates. */
export const SEND_REASONS = [
  'rule_disabled',
  'rule_paused',
  'lead_not_found',
  'condition_changed',
  'opted_out',
  'frequency_cap',
  'template_not_approved',
  'missing_variable',
  'window_closed',
  'meta_rejected',
  'meta_rate_limited',
  'meta_pair_rate_limited',
  'meta_token_expired',
  'meta_unavailable',
  'undeliverable',
  'outcome_unknown',
  /** The rule's own limit for the contact (`limits.maxPerContact` per `limits.perDays`) was reached. */
  'rule_limit',
  /** A Lead Ads lead that left only an email: WhatsApp has nobody to write to (issue 8). */
  'no_phone',
] as const;
export type SendReason = (typeof SEND_REASONS)[number];

/** Pushed by automation-service on core NATS `live.automation.send.<tenantId>` after each committed transition. */
export type AutomationLiveEvent = {
  tenantId: string;
  sendId: string;
  ruleKey: string;
  leadId: string;
  status: SendState;
  at: IsoInstant;
  detail: string | null;
  /** The history row's id: the page drops an event it has already shown. */
  eventId?: string;
};

/** A dry run or a manual trigger for one lead: what would be sent, or why not. */
export type TriggerPreview = {
  wouldSend: boolean;
  reason: SendReason | null;
  reasonText: string | null;
  kind: 'template' | 'text';
  to: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  /** The message as the contact would read it, parameters filled in. */
  renderedText: string | null;
  headerParameters: string[];
  bodyParameters: string[];
  /** When it would go out (send window applied). */
  sendAt: IsoInstant | null;
  /** The rule's conditions that do not hold for this lead now (a person's trigger sends anyway); null when they hold. */
  conditionsText?: string | null;
};

export type RateCount = { count: number; rate: number | null };

/** Metrics of one rule or one template (period: the request's `from`..`to`). */
export type AutomationFunnel = {
  key: string;
  queued: number;
  /** Base of delivered/read/replied/conversion rates: sends that reached WhatsApp (`sent` or later). */
  sent: number;
  delivered: RateCount;
  read: RateCount;
  replied: RateCount;
  /** Rate over all sends that ended (sent + failed). */
  failed: RateCount;
  failedByReason: { reason: string; count: number }[];
  optedOut: RateCount;
  /** An opportunity or a sale for that lead within `conversionDays` days after the message. */
  converted: RateCount;
};

export type AutomationMetricsV2 = {
  from: IsoInstant;
  to: IsoInstant;
  conversionDays: number;
  total: AutomationFunnel;
  byRule: AutomationFunnel[];
  byTemplate: AutomationFunnel[];
  /** One row per day in the tenant's timezone (YYYY-MM-DD). */
  daily: { day: string; sent: number; delivered: number; read: number; replied: number; failed: number }[];
};

/** Template components as Meta takes them in `POST /{waba-id}/message_templates` (REFERENCE.md). */
export type TemplateButtonInput =
  | { type: 'QUICK_REPLY'; text: string }
  | { type: 'URL'; text: string; url: string; example?: string[] }
  | { type: 'PHONE_NUMBER'; text: string; phoneNumber: string };

export type CreateTemplateInput = {
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  header?:
    | { format: 'TEXT'; text: string; example?: string[] }
    /** `exampleHandle`: Meta's handle of the uploaded sample (Resumable Upload API), never a URL. */
    | { format: 'IMAGE' | 'VIDEO' | 'DOCUMENT'; exampleHandle: string }
    | null;
  body: { text: string; examples?: string[] };
  footer?: string | null;
  buttons?: TemplateButtonInput[];
};

/** A template with everything the app shows and checks (superset of `TemplateView`). */
export type TemplateDetailView = TemplateView & {
  qualityScore: string | null;
  /** Meta's reason for a REJECTED/PAUSED/DISABLED status, and `rejection_info` when given. */
  reason: string | null;
  rejectionInfo: { reason: string; recommendation: string | null } | null;
  headerFormat: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | null;
  headerText: string | null;
  headerParameterCount: number;
  footerText: string | null;
  buttons: { type: string; text: string; url: string | null; parameterCount: number }[];
  statusUpdatedAt: IsoInstant | null;
};

/** Published (JetStream) by meta-ads-service when a template's status or quality changes. */
export type TemplateStatusChanged = {
  tenantId: string;
  templateId: string;
  name: string;
  language: string;
  status: string;
  previousStatus: string | null;
  reason: string | null;
  qualityScore: string | null;
  at: IsoInstant;
};
