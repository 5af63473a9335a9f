import {
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageQuery, TenantRequest } from './common';
import type { IsoInstant } from './model/common';
import { E164_PATTERN, LEAD_SOURCES, LEAD_STATUSES, type LeadSource, type LeadStatus } from './model/crm';

export class VerifyCredentialsRequest {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class GetUserRequest extends TenantRequest {
  @IsUUID()
  userId!: string;
}

export class ListLeadsRequest extends PageQuery {
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  status?: LeadStatus;

  @IsOptional()
  @IsIn(LEAD_SOURCES)
  source?: LeadSource;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class GetLeadRequest extends TenantRequest {
  @IsUUID()
  leadId!: string;
}

export class CreateLeadRequest extends TenantRequest {
  @IsString()
  @Length(1, 200)
  name!: string;

  @Matches(E164_PATTERN, { message: 'phone must be in E.164 format, e.g. +5215512345678' })
  phone!: string;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsIn(LEAD_SOURCES)
  leadSource!: LeadSource;

  @IsOptional()
  @IsUUID()
  assignedUserId?: string;
}

export class UpdateLeadStatusRequest extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsIn(LEAD_STATUSES)
  status!: LeadStatus;
}

/** CRM facts for Meta-attributed leads in a range of instants `[since, until)`. */
export class AttributionSummaryRequest extends TenantRequest {
  @IsISO8601({ strict: true })
  since!: IsoInstant;

  @IsISO8601({ strict: true })
  until!: IsoInstant;
}

// ---- durable events ----

export class LeadCreatedEvent extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsString()
  name!: string;

  @Matches(E164_PATTERN)
  phone!: string;

  @IsIn(LEAD_STATUSES)
  status!: LeadStatus;

  @IsIn(LEAD_SOURCES)
  leadSource!: LeadSource;

  @IsISO8601()
  createdAt!: IsoInstant;

  @IsOptional()
  @IsString()
  metaAdId?: string;
}

export class LeadStatusChangedEvent extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsIn(LEAD_STATUSES)
  from!: LeadStatus;

  @IsIn(LEAD_STATUSES)
  to!: LeadStatus;

  @IsISO8601()
  changedAt!: IsoInstant;
}
