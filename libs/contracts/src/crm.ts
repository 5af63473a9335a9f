import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
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
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery, TenantRequest } from './common';
import type { IsoInstant } from './model/common';
import { booleanFromQuery, LeadViewer } from './leads';
import {
  E164_PATTERN,
  LEAD_SOURCES,
  LEAD_STATUSES,
  MAX_ATTRIBUTION_FACTS_PAGE,
  type LeadSource,
  type LeadStatus,
} from './model/crm';
import { LEAD_SORTS, MAX_LEAD_TAG_LENGTH, type LeadSort } from './model/leads';

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

/** A session's user and the session itself (`crm.users.access`): is the user active, which role, is the session live? */
export class SessionAccessRequest extends GetUserRequest {
  @IsUUID()
  sessionId!: string;
}

/** The access changes committed in the last `windowSeconds` (every tenant's: a gateway caches every tenant's sessions). */
export class AccessChangesRequest {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  windowSeconds!: number;
}

/** A new server-side session of a user who just proved their password (or signed up). */
export class CreateSessionRequest extends GetUserRequest {
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  ttlSeconds!: number;

  /** The browser's User-Agent, kept (truncated) to tell a user's sessions apart. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  userAgent?: string;
}

/**
 * Revoke sessions of a user: `sessionId` alone (log out), or all of them (`sessionId` absent: log out everywhere),
 * optionally all but `exceptSessionId` (the caller's own).
 */
export class RevokeSessionsRequest extends GetUserRequest {
  @IsOptional()
  @IsUUID()
  sessionId?: string;

  @IsOptional()
  @IsUUID()
  exceptSessionId?: string;
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

  @IsOptional()
  @IsString()
  @Length(1, 64)
  campaignId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  adId?: string;

  @IsOptional()
  @IsUUID()
  assignedUserId?: string;

  @IsOptional()
  @IsString()
  @Length(1, MAX_LEAD_TAG_LENGTH)
  tag?: string;

  /** Created at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  createdFrom?: IsoInstant;

  /** Created before this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  createdTo?: IsoInstant;

  @IsOptional()
  @IsIn(LEAD_SORTS)
  sort?: LeadSort;

  /** Opaque `nextCursor` of the previous page (keyset paging); not together with `page`. */
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  cursor?: string;

  /** Count every matching lead (default: yes without `cursor`, no with it). */
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean()
  withTotal?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => LeadViewer)
  viewer?: LeadViewer;
}

export class GetLeadRequest extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LeadViewer)
  viewer?: LeadViewer;
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

  /** Who typed the lead in (the lead's history names them); filled by the gateway from the session. */
  @IsOptional()
  @IsUUID()
  actorUserId?: string;
}

export class UpdateLeadStatusRequest extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LeadViewer)
  viewer?: LeadViewer;

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

/** One page of the tenant's META_ADS leads (keyset by lead id) with their opportunities and sales. */
export class AttributionFactsRequest extends TenantRequest {
  /** The last lead id of the previous page; absent for the first page. */
  @IsOptional()
  @IsUUID()
  afterLeadId?: string;

  /** Leads per page (default 1000). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ATTRIBUTION_FACTS_PAGE)
  limit?: number;
}

// ---- durable events ----

export class LeadCreatedEvent extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsString()
  name!: string;

  /** Absent only for a Lead Ads lead that left an email and no phone (issue 8). */
  @IsOptional()
  @Matches(E164_PATTERN)
  phone?: string;

  @IsIn(LEAD_STATUSES)
  status!: LeadStatus;

  @IsIn(LEAD_SOURCES)
  leadSource!: LeadSource;

  @IsISO8601()
  createdAt!: IsoInstant;

  @IsOptional()
  @IsString()
  metaAdId?: string;

  /**
   * The seller the lead had when it was created, absent when it had none. A lead created by a CSV import gets its
   * round-robin setter in the same statement and no `lead.assigned`: this field is the announcement of that
   * assignment. Other leads may still get a `lead.assigned` right after (rotation of `crm.leads.create`).
   */
  @IsOptional()
  @IsUUID()
  assignedUserId?: string;
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
