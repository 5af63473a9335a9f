import type { IsoDate, IsoInstant } from './common';

/**
 * Scopes the product asks Meta for; a connection missing any of them is flagged in the UI (REFERENCE §1.2):
 * portfolios and ad accounts (`business_management`, `ads_read`; `ads_management` for ad fields on leads and the
 * Conversions API's datasets), Lead Ads (`leads_retrieval` and the Page scopes: list the Pages, read them, subscribe
 * the app to their `leadgen` webhooks) and WhatsApp (templates, numbers, sending).
 */
export const META_REQUIRED_SCOPES = [
  'business_management',
  'ads_read',
  'ads_management',
  'leads_retrieval',
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_metadata',
  'pages_manage_ads',
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
  /** When Meta stops giving data to this token (90 days after the user's last grant): a reconnect renews it. */
  dataAccessExpiresAt?: IsoInstant | null;
  /**
   * Whole days until the token or its data access ends, whichever is first (0 once passed); null when neither has a
   * date. From `debug_token`, read at connect and periodically.
   */
  daysLeft?: number | null;
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

/** Account-level insights of one day of the range (ad account timezone). */
export type AdInsightDay = { day: IsoDate; spend: number; impressions: number; clicks: number };

export type AdInsightsResult = {
  adAccountId: string;
  currency: string;
  timezone: string;
  rows: AdInsightRow[];
  /** The account's spend per day of the range (days without delivery are absent). */
  days: AdInsightDay[];
  fetchedAt: IsoInstant;
  /** Served from the local cache because Meta was rate-limited or unavailable. */
  stale: boolean;
};

/**
 * `meta.insights.ads.if-changed`: the caller's copy (same ad account, same `fetchedAt`) is still the fresh cached
 * answer of the range — reuse it. Anything else is answered in full (`AdInsightsResult`).
 */
export type AdInsightsNotModified = { notModified: true; adAccountId: string; fetchedAt: IsoInstant };

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

/** Where a part sits in Meta's body: one `entry[i].changes[j]`, an entry that cannot be split, or the whole body. */
export const META_WEBHOOK_PART_KINDS = ['change', 'entry', 'body'] as const;
export type MetaWebhookPartKind = (typeof META_WEBHOOK_PART_KINDS)[number];

/**
 * What the gateway puts on `webhook.meta.part`: one piece of a verified webhook body, already parsed without losing
 * digits (ids as strings, text cleaned of NUL and unpaired surrogates). Message id `<bodySha256>:<i>:<j>` for a
 * change, `<bodySha256>:<i>` for an entry that cannot be split, `<bodySha256>` for a body that cannot be split.
 */
export type MetaWebhookPart = {
  receivedAt: IsoInstant;
  /** SHA-256 (hex) of the signed raw body: the same delivery retried yields the same message ids. */
  bodySha256: string;
  kind: MetaWebhookPartKind;
  entryIndex?: number;
  changeIndex?: number;
  /** `object` of the body (`whatsapp_business_account`, `page`…), when it is a string. */
  object?: string;
  /** `entry[i].id` (WABA id, page id), when it is a string (numbers arrive as strings already). */
  entryId?: string;
  /** `entry[i].time` (unix seconds), when it is a number. */
  entryTime?: number;
  /** `entry[i].changes[j]` (kind `change`), `entry[i]` (kind `entry`) or the body (kind `body`), as parsed. */
  content: unknown;
};
