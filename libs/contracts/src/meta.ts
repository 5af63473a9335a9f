import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TenantRequest, type IsoDate, type IsoInstant } from './common';
import { E164_PATTERN } from './crm';

/** Scopes the product asks Meta for; a connection missing any of them is flagged in the UI. */
export const META_REQUIRED_SCOPES = [
  'business_management',
  'ads_read',
  'leads_retrieval',
  'whatsapp_business_management',
  'whatsapp_business_messaging',
] as const;

const NUMERIC_ID = /^\d{1,30}$/;
const AD_ACCOUNT_ID = /^act_\d{1,30}$/;

// ---- OAuth & connection ----

export class ConsumeOauthStateRequest extends TenantRequest {
  @IsUUID()
  userId!: string;

  /** Random nonce carried in the signed `state`; may be consumed once. */
  @IsString()
  @Length(16, 128)
  nonce!: string;

  @IsISO8601()
  expiresAt!: IsoInstant;
}

export class CompleteOauthRequest extends TenantRequest {
  @IsUUID()
  userId!: string;

  /** Short-lived user token from the code exchange. Travels only between backend services, never logged. */
  @IsString()
  @Length(10, 4096)
  accessToken!: string;
}

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

export class ListAdAccountsRequest extends TenantRequest {
  @Matches(NUMERIC_ID, { message: 'businessId must be a numeric Meta id' })
  businessId!: string;
}

export type AdAccountOption = {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  /** Meta `account_status`; only 1 (ACTIVE) can be selected. */
  accountStatus: number;
  selectable: boolean;
};

export class ListPhoneNumbersRequest extends TenantRequest {
  @Matches(NUMERIC_ID, { message: 'businessId must be a numeric Meta id' })
  businessId!: string;
}

export type PhoneNumberOption = {
  id: string;
  wabaId: string;
  wabaName: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: string;
};

export class SelectAssetsRequest extends TenantRequest {
  @Matches(NUMERIC_ID, { message: 'businessId must be a numeric Meta id' })
  businessId!: string;

  @Matches(AD_ACCOUNT_ID, { message: 'adAccountId must look like act_<digits>' })
  adAccountId!: string;

  @Matches(NUMERIC_ID, { message: 'wabaId must be a numeric Meta id' })
  wabaId!: string;

  @Matches(NUMERIC_ID, { message: 'phoneNumberId must be a numeric Meta id' })
  phoneNumberId!: string;
}

// ---- Marketing API reads ----

export class AdInsightsRequest extends TenantRequest {
  /** Inclusive dates in the ad account's timezone. */
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  since!: IsoDate;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  until!: IsoDate;
}

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

export class ResolveAdRequest extends TenantRequest {
  @Matches(NUMERIC_ID)
  adId!: string;
}

export type ResolvedAd = {
  adId: string;
  adName: string;
  adsetId: string;
  campaignId: string;
  campaignName: string;
};

// ---- WhatsApp ----

export class ListTemplatesRequest extends TenantRequest {
  /** Pull from Meta now instead of serving the last sync. */
  @IsOptional()
  @IsBoolean()
  refresh?: boolean;
}

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

export class SendTemplateRequest extends TenantRequest {
  /** The same key never sends twice (e.g. `lead_followup:<leadId>`). */
  @IsString()
  @Length(1, 200)
  idempotencyKey!: string;

  @Matches(E164_PATTERN, { message: 'to must be in E.164 format' })
  to!: string;

  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'templateName must be lowercase letters, digits and _' })
  templateName!: string;

  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'language must look like es or es_MX' })
  language!: string;

  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  bodyParameters!: string[];

  @IsOptional()
  @IsString()
  @MaxLength(512)
  callbackData?: string;
}

export type SendTemplateResult = { wamid: string; status: 'accepted' };

// ---- events derived from webhooks (published by meta-ads-service once the tenant is known) ----

export class CtwaReferral {
  @IsString()
  sourceId!: string;

  @IsString()
  sourceType!: string;

  @IsOptional()
  @IsString()
  sourceUrl?: string;

  @IsOptional()
  @IsString()
  ctwaClid?: string;

  @IsOptional()
  @IsString()
  headline?: string;

  @IsOptional()
  @IsString()
  body?: string;
}

export class AdAttribution {
  @IsString()
  adId!: string;

  @IsOptional()
  @IsString()
  adsetId?: string;

  @IsOptional()
  @IsString()
  campaignId?: string;
}

export class WhatsappInboundEvent extends TenantRequest {
  @IsString()
  wamid!: string;

  @IsString()
  phoneNumberId!: string;

  /** Sender in E.164 (`+` added to Meta's wa_id). */
  @Matches(E164_PATTERN)
  from!: string;

  @IsOptional()
  @IsString()
  contactName?: string;

  @IsISO8601()
  timestamp!: IsoInstant;

  @IsOptional()
  @IsString()
  text?: string;

  /** wamid of the message this one replies to, if any. */
  @IsOptional()
  @IsString()
  contextWamid?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => CtwaReferral)
  referral?: CtwaReferral;

  /** The referral's ad resolved to its ad set and campaign (when Meta returns the ad). */
  @IsOptional()
  @ValidateNested()
  @Type(() => AdAttribution)
  attribution?: AdAttribution;
}

export const WHATSAPP_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type WhatsappStatus = (typeof WHATSAPP_STATUSES)[number];

export class WhatsappStatusError {
  @Type(() => Number)
  @IsInt()
  code!: number;

  @IsString()
  title!: string;

  @IsOptional()
  @IsString()
  message?: string;
}

export class WhatsappStatusEvent extends TenantRequest {
  @IsString()
  wamid!: string;

  @IsIn(WHATSAPP_STATUSES)
  status!: WhatsappStatus;

  @IsISO8601()
  timestamp!: IsoInstant;

  @IsString()
  recipientId!: string;

  @IsOptional()
  @IsString()
  callbackData?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WhatsappStatusError)
  errors?: WhatsappStatusError[];
}

export class LeadgenReceivedEvent extends TenantRequest {
  @IsString()
  leadgenId!: string;

  @IsString()
  pageId!: string;

  @IsOptional()
  @IsString()
  formId?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AdAttribution)
  attribution?: AdAttribution;

  @IsISO8601()
  createdTime!: IsoInstant;

  @IsOptional()
  @IsString()
  fullName?: string;

  @IsOptional()
  @IsString()
  email?: string;

  /** E.164 when Meta's answer could be normalised, else absent. */
  @IsOptional()
  @Matches(E164_PATTERN)
  phone?: string;
}

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

/** Validation class for `MetaWebhookPart` (payload of `Webhooks.metaPart`, consumed by meta-ads-service). */
export class MetaWebhookPartMessage implements MetaWebhookPart {
  @IsISO8601()
  receivedAt!: IsoInstant;

  @Matches(/^[0-9a-f]{64}$/)
  bodySha256!: string;

  @IsIn(META_WEBHOOK_PART_KINDS)
  kind!: MetaWebhookPartKind;

  @IsOptional()
  @IsInt()
  @Min(0)
  entryIndex?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  changeIndex?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  object?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  entryId?: string;

  @IsOptional()
  @IsInt()
  entryTime?: number;

  /** Checked field by field by the consumer's mapping (malformed values are a VALIDATION error there). */
  @Allow()
  content!: unknown;
}
