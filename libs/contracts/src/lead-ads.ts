import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsObject,
  IsOptional,
  IsUUID,
  Matches,
} from 'class-validator';
import { TenantRequest } from './common';
import type { IsoInstant } from './model/common';
import type { LeadFormCrmField } from './model/lead-ads';

/** How many Pages one account may choose. */
export const MAX_LEAD_ADS_PAGES = 50;

/** Issue 8: the Pages whose Lead Ads leads come to this account (the whole choice: Pages left out are released). */
export class SelectPagesRequest extends TenantRequest {
  @IsArray()
  @ArrayMaxSize(MAX_LEAD_ADS_PAGES)
  @Matches(/^\d{1,30}$/, { each: true, message: 'each page id must be a numeric Meta id' })
  pageIds!: string[];
}

/** `GET /crm/marketing/lead-ads/forms`: the synced forms; `refresh` syncs the account's Pages from Meta first. */
export class ListLeadFormsRequest extends TenantRequest {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'refresh must be true or false' })
  refresh?: boolean;
}

/**
 * A form's mapping of question keys to CRM fields (the whole mapping: questions left out follow their default).
 * Checked against the form's questions by meta-ads-service.
 */
export class UpdateLeadFormMappingRequest extends TenantRequest {
  @Matches(/^\d{1,30}$/, { message: 'formId must be a numeric Meta id' })
  formId!: string;

  @IsObject({ message: 'mapping must be an object of question key → CRM field' })
  mapping!: Record<string, LeadFormCrmField>;
}

/** Issue 8: read one form's leads created in `[since, until)` from Meta (`GET /{form}/leads`, filtered, paged). */
export class CreateLeadgenBackfillRequest extends TenantRequest {
  @Matches(/^\d{1,30}$/, { message: 'formId must be a numeric Meta id' })
  formId!: string;

  @IsISO8601({ strict: true })
  since!: IsoInstant;

  @IsISO8601({ strict: true })
  until!: IsoInstant;

  /** Who asked (the lead history may name them); filled by the gateway from the session. */
  @IsOptional()
  @IsUUID()
  requestedBy?: string;
}
