import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TenantRequest } from './common';
import { HeaderMediaInput } from './header-media';
import { IsIanaTimezone } from './people';
import {
  MAX_DELAY_SECONDS,
  RULE_KEY_PATTERN,
  RULE_TRIGGERS,
  TEMPLATE_VARIABLE_SOURCES,
  type RuleTriggerType,
  type TemplateVariableSource,
} from './model/automation';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class RuleTriggerInput {
  @IsIn(RULE_TRIGGERS)
  type!: RuleTriggerType;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  toStatus?: string | null;
}

export class RuleConditionsInput {
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) leadSources?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) leadStatuses?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(200) @Matches(/^\d{1,20}$/, { each: true }) campaignIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(200) @Matches(/^\d{1,20}$/, { each: true }) adIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(200) @IsUUID('all', { each: true }) sellerIds?: string[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  tags?: string[];
  @IsOptional() @IsNumber() @Min(0) minOpportunityValue?: number | null;
  @IsOptional() @IsNumber() @Min(0) maxOpportunityValue?: number | null;
}

export class SendWindowInput {
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(6, { each: true })
  days!: number[];
  @Matches(HH_MM, { message: 'start must be HH:MM' }) start!: string;
  @Matches(HH_MM, { message: 'end must be HH:MM' }) end!: string;
}

export class ButtonMappingInput {
  @IsInt() @Min(0) @Max(9) index!: number;
  @IsIn(TEMPLATE_VARIABLE_SOURCES) source!: TemplateVariableSource;
}

export class TemplateMappingInput {
  @IsArray()
  @ArrayMaxSize(1)
  @IsIn(TEMPLATE_VARIABLE_SOURCES, { each: true })
  header!: TemplateVariableSource[];
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(TEMPLATE_VARIABLE_SOURCES, { each: true })
  body!: TemplateVariableSource[];
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ButtonMappingInput)
  buttons!: ButtonMappingInput[];
  /** Templates with a media header only: the media sent as that header. */
  @IsOptional()
  @ValidateNested()
  @Type(() => HeaderMediaInput)
  headerMedia?: HeaderMediaInput | null;
}

export class RuleLimitsInput {
  @IsOptional() @IsBoolean() respectFrequencyCap?: boolean;
  @IsOptional() @IsBoolean() utilityToOptedOut?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(100) maxPerContact?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(365) perDays?: number | null;
}

/** The editable fields every rule request shares (name and trigger differ: optional to edit, required to create). */
class RuleSettingsInput extends TenantRequest {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_DELAY_SECONDS) delaySeconds?: number;
  @IsOptional() @ValidateNested() @Type(() => RuleConditionsInput) conditions?: RuleConditionsInput;
  @IsOptional()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'templateName must be lowercase letters, digits and _' })
  templateName?: string;
  @IsOptional()
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'templateLanguage must look like es or es_MX' })
  templateLanguage?: string;
  @IsOptional() @ValidateNested() @Type(() => TemplateMappingInput) mapping?: TemplateMappingInput;
  @IsOptional() @IsString() @MaxLength(4096) freeFormText?: string | null;
  @IsOptional() @ValidateNested() @Type(() => SendWindowInput) sendWindow?: SendWindowInput | null;
  @IsOptional() @ValidateNested() @Type(() => RuleLimitsInput) limits?: RuleLimitsInput;
}

/** The editable fields of a rule; built-in rules cannot change their trigger type. */
export class RuleFieldsInput extends RuleSettingsInput {
  @IsOptional() @IsString() @Length(1, 80) name?: string;
  @IsOptional() @ValidateNested() @Type(() => RuleTriggerInput) trigger?: RuleTriggerInput;
}

/**
 * `POST /crm/marketing/automation/rules`: a user rule (the key is made by automation-service). Name and trigger
 * are required (not inherited as optional from `RuleFieldsInput`: class-validator would keep their `IsOptional`).
 */
export class CreateRuleRequest extends RuleSettingsInput {
  @IsString() @Length(1, 80) name!: string;
  @IsDefined() @ValidateNested() @Type(() => RuleTriggerInput) trigger!: RuleTriggerInput;
}

export class RuleKeyRequest extends TenantRequest {
  @Matches(RULE_KEY_PATTERN, { message: 'unknown rule key' })
  key!: string;
}

/** A dry run for one lead (and, for opportunity/sale rules, the entity): what would be sent, or why not. */
export class PreviewRequest extends TenantRequest {
  @Matches(RULE_KEY_PATTERN, { message: 'unknown rule key' }) ruleKey!: string;
  @IsUUID() leadId!: string;
  @IsOptional() @IsUUID() opportunityId?: string;
  @IsOptional() @IsUUID() saleId?: string;
}

export class FunnelsRequest extends TenantRequest {
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(90) conversionDays?: number;
  @IsOptional() @Matches(RULE_KEY_PATTERN, { message: 'unknown rule key' }) ruleKey?: string;
  /** Days of the daily series are counted in this timezone (the gateway passes the tenant's); default UTC. */
  @IsOptional() @IsIanaTimezone() timezone?: string;
}

export class TemplateDetailsRequest extends TenantRequest {
  @IsOptional() @IsBoolean() refresh?: boolean;
}

export class SendOutcomeRequest extends TenantRequest {
  @IsString() @Length(1, 200) idempotencyKey!: string;
}

/**
 * What meta-ads-service knows of one send (`meta.whatsapp.send-outcome`): `accepted` (wamid), `in_flight`,
 * `unknown` (may have been sent; ask again later), `expired` (unknown, and the horizon passed without evidence either
 * way: stop asking, never re-send on a guess), `failed` (certainly not sent; `error.code` `META_REJECTED` is final),
 * `not_found` (the request never arrived).
 */
export type SendOutcome = {
  state: 'accepted' | 'in_flight' | 'unknown' | 'expired' | 'failed' | 'not_found';
  wamid: string | null;
  error: { code: string; message: string } | null;
};

/** Published by crm-service when a contact opts out (keyword, quick-reply button or by hand). */
export class LeadOptedOutEvent extends TenantRequest {
  @IsUUID() leadId!: string;
  @IsString() phone!: string;
  @IsIn(['keyword', 'button', 'manual']) source!: 'keyword' | 'button' | 'manual';
  @IsISO8601() at!: string;
}

export class TemplateStatusChangedEvent extends TenantRequest {
  @IsString() templateId!: string;
  @IsString() name!: string;
  @IsString() language!: string;
  @IsString() status!: string;
  @IsOptional() @IsString() previousStatus!: string | null;
  @IsOptional() @IsString() reason!: string | null;
  @IsOptional() @IsString() qualityScore!: string | null;
  @IsISO8601() at!: string;
}

export class TemplateButtonBody {
  @IsIn(['QUICK_REPLY', 'URL', 'PHONE_NUMBER']) type!: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER';
  @IsString() @Length(1, 25) text!: string;
  @IsOptional() @IsString() @MaxLength(2000) url?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(1) @IsString({ each: true }) example?: string[];
  @IsOptional() @IsString() @MaxLength(20) phoneNumber?: string;
}

export class TemplateHeaderBody {
  @IsIn(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT']) format!: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';
  @IsOptional() @IsString() @MaxLength(60) text?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(1) @IsString({ each: true }) example?: string[];
  /**
   * A media header's sample: the handle Meta's Resumable Upload API gave the file (`POST …/templates/media-samples`).
   * Meta refuses a URL here, so one is refused before it is sent.
   */
  @ValidateIf((header: TemplateHeaderBody) => header.format !== 'TEXT' || header.exampleHandle !== undefined)
  @IsString()
  @MaxLength(1000)
  @Matches(/^(?!https?:)\S+$/i, {
    message:
      'header.exampleHandle must be the handle of an uploaded sample (POST …/templates/media-samples), not a URL',
  })
  exampleHandle?: string;
}

export class TemplateBodyInput {
  @IsString() @Length(1, 1024) text!: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) examples?: string[];
}

/** `POST /crm/marketing/automation/templates`: submit a template to Meta for review. Meta's own rules are checked by Meta. */
export class CreateTemplateRequest extends TenantRequest {
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'name must be lowercase letters, digits and _' }) name!: string;
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'language must look like es or es_MX' }) language!: string;
  @IsIn(['MARKETING', 'UTILITY', 'AUTHENTICATION']) category!: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  @IsOptional() @ValidateNested() @Type(() => TemplateHeaderBody) header?: TemplateHeaderBody | null;
  @ValidateNested() @Type(() => TemplateBodyInput) body!: TemplateBodyInput;
  @IsOptional() @IsString() @MaxLength(60) footer?: string | null;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TemplateButtonBody)
  buttons?: TemplateButtonBody[];
}
