import { IsBoolean, IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';
import { PageQuery, TenantRequest } from './common';
import {
  CONVERSION_LOG_STATES,
  LEAD_STAGE_EVENT_NAMES,
  type ConversionEventName,
  type ConversionLogState,
} from './model/conversions';

export class UpdateConversionSettingsRequest extends TenantRequest {
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /** A dataset of the connected business (`owned_pixels`) or one entered by hand: digits only. */
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @Matches(/^\d{6,20}$/, { message: 'datasetId must be a Meta dataset id (digits)' })
  datasetId?: string | null;

  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsIn(LEAD_STAGE_EVENT_NAMES, { message: 'qualifiedEvent must be Lead, QualifiedLead or null' })
  qualifiedEvent?: ConversionEventName | null;

  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsIn(LEAD_STAGE_EVENT_NAMES, { message: 'opportunityEvent must be Lead, QualifiedLead or null' })
  opportunityEvent?: ConversionEventName | null;

  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsIn(['Purchase'], { message: 'wonEvent must be Purchase or null' })
  wonEvent?: ConversionEventName | null;
}

/** A page of the log, newest first (`page` from 1, `pageSize` ≤ 100, default 25). */
export class ConversionLogRequest extends PageQuery {
  @IsOptional()
  @IsIn(CONVERSION_LOG_STATES, { message: 'state must be pending, sent or parked' })
  state?: ConversionLogState;
}
