import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TenantRequest } from './common';
import type { IsoInstant } from './model/common';
import {
  LEAD_STATUSES,
  OPPORTUNITY_STATUSES,
  SALE_STATUSES,
  type AttributionLeadFacts,
  type LeadStatus,
  type OpportunityStatus,
  type SaleStatus,
} from './model/crm';
import {
  LEAD_ASSIGNMENT_REASONS,
  LEAD_UPDATABLE_FIELDS,
  MAX_LEAD_NOTES_LENGTH,
  MAX_LEAD_TAG_LENGTH,
  MAX_LEAD_TAGS,
  type LeadAssignmentReason,
  type LeadUpdatableField,
} from './model/leads';
import { Roles, type Role } from './tenancy';

/**
 * Who is asking, for lead visibility: setters and closers see only the leads assigned to them. The gateway fills it
 * from the session; service-to-service calls leave it out and see every lead of the tenant.
 */
export class LeadViewer {
  @IsUUID()
  userId!: string;

  @IsIn(Roles)
  role!: Role;
}

/** Present (not `undefined`): then it must also pass the rules below it; `null` is refused unless allowed there. */
const present = (_: object, value: unknown): boolean => value !== undefined;
const presentAndNotNull = (_: object, value: unknown): boolean => value !== undefined && value !== null;

/** `PATCH /crm/leads/:id`: every field optional; `email`, `assignedUserId` and `notes` may be `null` to clear them. */
export class UpdateLeadRequest extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LeadViewer)
  viewer?: LeadViewer;

  @ValidateIf(present)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ValidateIf(presentAndNotNull)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  /** Any common writing of a phone; stored in E.164 (`normalizePhone`). */
  @ValidateIf(present)
  @IsString()
  @Length(1, 40)
  phone?: string;

  @ValidateIf(presentAndNotNull)
  @IsUUID()
  assignedUserId?: string | null;

  @ValidateIf(present)
  @IsIn(LEAD_STATUSES)
  status?: LeadStatus;

  @ValidateIf(presentAndNotNull)
  @IsString()
  @MaxLength(MAX_LEAD_NOTES_LENGTH)
  notes?: string | null;

  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(MAX_LEAD_TAGS)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, MAX_LEAD_TAG_LENGTH, { each: true })
  tags?: string[];

  /** Do-not-contact for marketing templates, set or cleared by hand (an opt-out publishes `lead.opted-out`). */
  @ValidateIf(present)
  @IsBoolean()
  optedOut?: boolean;
}

/** Query strings carry booleans as text. */
export const booleanFromQuery = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

// ---- durable events ----

/** A lead's fields changed through `crm.leads.update` (a status change also emits `lead.status-changed`). */
export class LeadUpdatedEvent extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsArray()
  @IsIn(LEAD_UPDATABLE_FIELDS, { each: true })
  fields!: LeadUpdatableField[];

  @IsOptional()
  @IsUUID()
  byUserId?: string;

  @IsISO8601()
  updatedAt!: IsoInstant;
}

/** A lead got another seller (or none): by hand, or by the setter rotation when it was created unassigned. */
export class LeadAssignedEvent extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @ValidateIf(presentAndNotNull)
  @IsUUID()
  from!: string | null;

  @ValidateIf(presentAndNotNull)
  @IsUUID()
  to!: string | null;

  @IsIn(LEAD_ASSIGNMENT_REASONS)
  reason!: LeadAssignmentReason;

  @IsISO8601()
  assignedAt!: IsoInstant;
}

/** An opportunity of an attributed lead, as it stood when the attribution was committed. */
export class AttributedOpportunityFacts {
  @IsUUID()
  opportunityId!: string;

  @IsIn(OPPORTUNITY_STATUSES)
  status!: OpportunityStatus;

  @IsISO8601()
  createdAt!: IsoInstant;

  @ValidateIf(presentAndNotNull)
  @IsISO8601()
  closedAt!: IsoInstant | null;

  /** The row's `updated_at`: its version. */
  @IsISO8601()
  updatedAt!: IsoInstant;
}

/** A sale of an attributed lead, as it stood when the attribution was committed. */
export class AttributedSaleFacts {
  @IsUUID()
  saleId!: string;

  @ValidateIf(presentAndNotNull)
  @IsUUID()
  opportunityId!: string | null;

  @IsNumber()
  amount!: number;

  @IsString()
  currency!: string;

  @IsIn(SALE_STATUSES)
  status!: SaleStatus;

  @ValidateIf(presentAndNotNull)
  @IsISO8601()
  completedAt!: IsoInstant | null;

  @ValidateIf(presentAndNotNull)
  @IsISO8601()
  refundedAt!: IsoInstant | null;

  /** The row's `updated_at`: its version. */
  @IsISO8601()
  updatedAt!: IsoInstant;
}

/** How an existing lead got its attribution: a Click-to-WhatsApp ad's referral, or a Lead Ads form. */
export const LEAD_ATTRIBUTION_CHANNELS = ['whatsapp_ad', 'lead_form'] as const;
export type LeadAttributionChannel = (typeof LEAD_ATTRIBUTION_CHANNELS)[number];

/**
 * A lead that already existed (typed in, imported, a plain WhatsApp contact, an organic Lead Ads lead) got a Meta ad
 * or, from a Lead Ads form without one, became a Meta lead (`lead_source` becomes `META_ADS`). A lead created with its ad announces it in `lead.created` instead; a lead gets
 * an ad at most once. The payload is the lead's attribution facts as committed with the attribution (the shape
 * of `crm.attribution.facts`): the lead versioned by its `updatedAt`, and its opportunities and sales so far, each
 * with its own version — a consumer that kept nothing of a non-Meta lead can count everything it already did.
 */
export class LeadAttributedEvent extends TenantRequest implements AttributionLeadFacts {
  @IsUUID()
  leadId!: string;

  @IsIn(LEAD_ATTRIBUTION_CHANNELS)
  channel!: LeadAttributionChannel;

  /** Null for a Lead Ads form without an ad (organic, test): the lead becomes a Meta lead without an ad. */
  @ValidateIf(presentAndNotNull)
  @IsString()
  metaAdId!: string | null;

  @ValidateIf(presentAndNotNull)
  @IsString()
  metaAdsetId!: string | null;

  @ValidateIf(presentAndNotNull)
  @IsString()
  metaCampaignId!: string | null;

  @IsISO8601()
  createdAt!: IsoInstant;

  /** The lead row's `updated_at` after the attribution: the version of the lead's state, and when it happened. */
  @IsISO8601()
  updatedAt!: IsoInstant;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttributedOpportunityFacts)
  opportunities!: AttributedOpportunityFacts[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttributedSaleFacts)
  sales!: AttributedSaleFacts[];
}
