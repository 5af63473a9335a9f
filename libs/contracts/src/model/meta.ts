import type { IsoInstant } from './common';

/** Scopes the product asks Meta for; a connection missing any of them is flagged in the UI. */
export const META_REQUIRED_SCOPES = [
  'business_management',
  'ads_read',
  'leads_retrieval',
  'whatsapp_business_management',
  'whatsapp_business_messaging',
] as const;

export type ConnectionState = 'disconnected' | 'connected' | 'expired' | 'revoked';

export type ConnectionStatus = {
  state: ConnectionState;
  /** Portfolio, ad account and number have been chosen. */
  setupComplete: boolean;
  scopes: string[];
  missingScopes: string[];
  expiresAt: IsoInstant | null;
  connectedAt: IsoInstant | null;
  business: { id: string; name: string } | null;
  adAccount: { id: string; name: string; currency: string; timezone: string } | null;
  phoneNumber: { id: string; wabaId: string; displayPhoneNumber: string; verifiedName: string } | null;
  /** Last Meta failure seen on this connection (rate limit, outage…), for the UI. */
  lastError: { code: string; message: string; at: IsoInstant } | null;
  /**
   * Lead Ads leads received while Meta could not be read for this account (token expired, permission missing, Meta
   * rate-limited or down). They are kept and fetched again after a reconnect or when Meta answers.
   */
  pendingLeads?: number;
};

export type PortfolioOption = { id: string; name: string; verificationStatus: string | null };

export type AdAccountOption = {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  /** Meta `account_status`; only 1 (ACTIVE) can be selected. */
  accountStatus: number;
  selectable: boolean;
};

export type PhoneNumberOption = {
  id: string;
  wabaId: string;
  wabaName: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: string;
};

export type AdInsightRow = {
  campaignId: string;
  campaignName: string;
  adsetId: string;
  adsetName: string;
  adId: string;
  adName: string;
  spend: number;
  impressions: number;
  clicks: number;
};

export type AdInsightsResult = {
  adAccountId: string;
  currency: string;
  timezone: string;
  rows: AdInsightRow[];
  fetchedAt: IsoInstant;
  /** Served from the local cache because Meta was rate-limited or unavailable. */
  stale: boolean;
};

export type ResolvedAd = {
  adId: string;
  adName: string;
  adsetId: string;
  campaignId: string;
  campaignName: string;
};

export type TemplateView = {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  bodyText: string;
  /** Number of `{{n}}` placeholders in the BODY. */
  parameterCount: number;
  syncedAt: IsoInstant;
};

export type SendTemplateResult = { wamid: string; status: 'accepted' };

export const WHATSAPP_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type WhatsappStatus = (typeof WHATSAPP_STATUSES)[number];

/** What the gateway puts on `webhook.meta.raw`: the exact verified body, untouched. */
export type RawMetaWebhook = { receivedAt: IsoInstant; body: string };
