import type { IsoInstant } from './common';
import type { Role } from '../tenancy';
import type { AdContext, LeadOrigin } from './lead-360';

/** The seeded sales pipeline, in order. The first one is a lead's initial status. */
export const LEAD_STATUSES = [
  'nuevo',
  'contactado',
  'calificado',
  'llamada_agendada',
  'negociacion',
  'cerrado_ganado',
  'cerrado_perdido',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const INITIAL_LEAD_STATUS: LeadStatus = 'nuevo';

export const LEAD_SOURCES = ['META_ADS', 'WHATSAPP', 'WEBSITE', 'REFERRAL', 'MANUAL', 'IMPORT'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const OPPORTUNITY_STATUSES = ['pending', 'won', 'lost'] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];
export const SALE_STATUSES = ['pending', 'completed', 'refunded'] as const;
export type SaleStatus = (typeof SALE_STATUSES)[number];

/** E.164: `+` then 8–15 digits, first digit not 0. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;

export type SessionUser = {
  userId: string;
  tenantId: string;
  tenantName: string;
  /** The tenant's regional settings: numbers, money and dates are shown in these (the UI language is the user's). */
  tenantLocale: string;
  tenantTimezone: string;
  tenantCurrency: string;
  email: string;
  name: string;
  role: Role;
};

/** A tenant's settings: money in `currency` (ISO 4217), dates in `timezone` (IANA), UI texts in `locale`. */
export type TenantView = {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  locale: string;
  /** Whole-message replies that opt a contact out (case and accents ignored); see `DEFAULT_OPT_OUT_KEYWORDS`. */
  optOutKeywords?: string[];
  /** Quick-reply button texts or payloads that opt a contact out (e.g. Meta's "Stop promotions"). */
  optOutButtonTexts?: string[];
};

/** A new tenant's opt-out keywords and opt-out button texts (issue 7). */
export const DEFAULT_OPT_OUT_KEYWORDS = ['STOP', 'BAJA', 'CANCELAR'] as const;
export const DEFAULT_OPT_OUT_BUTTON_TEXTS = [
  'Stop promotions',
  'Detener promociones',
  'Darme de baja',
] as const;
export const MAX_OPT_OUT_PHRASES = 20;
export const MAX_OPT_OUT_PHRASE_LENGTH = 40;

/** Names of a Meta-attributed lead's ad, ad set and campaign from the ad catalogue (null where unknown). */
export type AdNames = {
  adId: string;
  adName: string | null;
  adsetId: string | null;
  adsetName: string | null;
  campaignId: string | null;
  campaignName: string | null;
};

export type LeadView = {
  id: string;
  name: string;
  /** E.164; null only for a Lead Ads lead that left an email and no phone (issue 8). */
  phone: string | null;
  email: string | null;
  status: LeadStatus;
  leadSource: LeadSource;
  metaAdId: string | null;
  metaAdsetId: string | null;
  metaCampaignId: string | null;
  ctwaClid: string | null;
  /** The Lead Ads lead id (`leadgen_id`) of a Lead Ads lead (Conversions API `lead_id`); absent in older payloads. */
  metaLeadgenId?: string | null;
  /** The contact asked not to be messaged (e.g. replied STOP/BAJA): automations never send to them. */
  optedOut: boolean;
  assignedUserId: string | null;
  assignedUserName: string | null;
  /** The assigned user's phone (E.164), a template's `seller.phone`; null when unassigned or they have none. */
  assignedUserPhone: string | null;
  /** Free text the team keeps about the lead. */
  notes: string | null;
  tags: string[];
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
  /** Filled by the gateway for Meta-attributed leads (list and detail); null when the catalogue could not answer. */
  adNames?: AdNames | null;
};

/** A lead made by `crm.leads.create` (or a CSV import): the phone is required there. */
export type LeadWithPhone = LeadView & { phone: string };

export type OpportunityView = {
  id: string;
  leadId: string;
  title: string;
  value: number;
  currency: string;
  status: OpportunityStatus;
  deadline: IsoInstant | null;
  createdAt: IsoInstant;
  leadName: string;
  ownerId: string | null;
  ownerName: string | null;
  /** Set when the status is `lost`. */
  lostReason: string | null;
  /** Stamped when the opportunity is won or lost, cleared when it is reopened. */
  closedAt: IsoInstant | null;
  updatedAt: IsoInstant;
};

export type SaleView = {
  id: string;
  leadId: string;
  opportunityId: string | null;
  amount: number;
  currency: string;
  status: SaleStatus;
  completedAt: IsoInstant | null;
  refundedAt: IsoInstant | null;
  createdAt: IsoInstant;
};

export type LeadDetail = LeadView & {
  opportunities: OpportunityView[];
  sales: SaleView[];
  /** How the lead came in (CTWA referral and first message, Lead Ads form…); null for leads older than the record. */
  origin?: LeadOrigin | null;
  /** The ad it came from with its creative, filled by the gateway for Meta-attributed leads. */
  adContext?: AdContext | null;
};

export type PipelineStageView = { key: LeadStatus; position: number; label: string };

export type AttributionRow = {
  metaCampaignId: string | null;
  metaAdsetId: string | null;
  metaAdId: string | null;
  /** META_ADS leads created in range. */
  leads: number;
  /** Opportunities of META_ADS leads created in range. */
  opportunities: number;
  /** Completed sales of META_ADS leads, completed in range: count and amount by currency. */
  sales: number;
  revenue: number;
};

export type AttributionSummary = {
  rows: AttributionRow[];
  /** Currencies the counted sales were recorded in. */
  salesCurrencies: string[];
};

/** Largest page of `crm.attribution.facts`. */
export const MAX_ATTRIBUTION_FACTS_PAGE = 2000;

/** A META_ADS lead as the marketing read model needs it (issue 8). */
export type AttributionLeadFacts = {
  leadId: string;
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
  metaAdId: string | null;
  metaAdsetId: string | null;
  metaCampaignId: string | null;
  opportunities: {
    opportunityId: string;
    status: OpportunityStatus;
    createdAt: IsoInstant;
    closedAt: IsoInstant | null;
    updatedAt: IsoInstant;
  }[];
  sales: {
    saleId: string;
    opportunityId: string | null;
    amount: number;
    currency: string;
    status: SaleStatus;
    completedAt: IsoInstant | null;
    refundedAt: IsoInstant | null;
    updatedAt: IsoInstant;
  }[];
};

export type AttributionFactsPage = {
  leads: AttributionLeadFacts[];
  /** Pass as `afterLeadId` for the next page; null after the last one. */
  nextAfterLeadId: string | null;
};
