import { Transform, Type } from 'class-transformer';
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
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TenantRequest } from './common';
import { HeaderMediaInput } from './header-media';
import type { IsoDate, IsoInstant } from './model/common';
import { E164_PATTERN } from './model/crm';
import { MAX_LEAD_NOTES_LENGTH, MAX_LEAD_TAG_LENGTH, MAX_LEAD_TAGS } from './model/leads';
import {
  META_WEBHOOK_PART_KINDS,
  WHATSAPP_STATUSES,
  type MetaWebhookPart,
  type MetaWebhookPartKind,
  type WhatsappStatus,
} from './model/meta';

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

export class ListAdAccountsRequest extends TenantRequest {
  @Matches(NUMERIC_ID, { message: 'businessId must be a numeric Meta id' })
  businessId!: string;
}

export class ListPhoneNumbersRequest extends TenantRequest {
  @Matches(NUMERIC_ID, { message: 'businessId must be a numeric Meta id' })
  businessId!: string;
}

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

/** `meta.insights.ads.if-changed`: the range, and which answer of it the caller already holds. */
export class AdInsightsIfChangedRequest extends AdInsightsRequest {
  /** The ad account and `fetchedAt` of the caller's copy (a full, non-stale answer of the same range). */
  @Matches(AD_ACCOUNT_ID, { message: 'adAccountId must look like act_<digits>' })
  adAccountId!: string;

  @IsISO8601({ strict: true })
  fetchedAt!: IsoInstant;
}

export class ResolveAdRequest extends TenantRequest {
  @Matches(NUMERIC_ID)
  adId!: string;
}

// ---- WhatsApp ----

export class ListTemplatesRequest extends TenantRequest {
  /** Pull from Meta now instead of serving the last sync. `"true"`/`"false"` (a query string) count as booleans. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'refresh must be true or false' })
  refresh?: boolean;
}

/** One URL button's dynamic suffix (issue 7). */
export class ButtonParameter {
  @IsInt()
  @Min(0)
  @Max(9)
  index!: number;

  @IsString()
  @Length(1, 2000)
  text!: string;
}

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

  /** Issue 7: the HEADER's `{{1}}` (text headers), when the template has one. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  headerParameters?: string[];

  /** The media of an IMAGE/VIDEO/DOCUMENT header (Meta refuses such a template sent without it: 132012). */
  @IsOptional()
  @ValidateNested()
  @Type(() => HeaderMediaInput)
  headerMedia?: HeaderMediaInput;

  /** Issue 7: URL button suffixes, by the button's index in the template. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ButtonParameter)
  buttonParameters?: ButtonParameter[];
}

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

/** What a contact tapped: Meta's `button.payload`/`button.text`, or `interactive.button_reply.id`/`title`. */
export class InboundButtonReply {
  @IsIn(['button', 'interactive'])
  kind!: 'button' | 'interactive';

  @IsOptional()
  @IsString()
  payload?: string;

  @IsOptional()
  @IsString()
  text?: string;
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

  /** A tapped quick-reply button (`type: button`, from a template) or interactive `button_reply`. */
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundButtonReply)
  buttonReply?: InboundButtonReply;
}

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

  /** The form's name on Meta, when it could be read (the lead 360 shows it). */
  @IsOptional()
  @IsString()
  formName?: string;

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

  /** Issue 8: answers the form's mapping sends to the lead's notes ("Question: answer" lines). */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_LEAD_NOTES_LENGTH)
  notes?: string;

  /** Issue 8: answers the form's mapping makes tags. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LEAD_TAGS)
  @IsString({ each: true })
  @Length(1, MAX_LEAD_TAG_LENGTH, { each: true })
  tags?: string[];
}

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
