import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { TenantRequest, WithinPagingDepth } from './common';
import { MAX_PAGE, type IsoInstant } from './model/common';
import { OPPORTUNITY_STATUSES, SALE_STATUSES, type OpportunityStatus, type SaleStatus } from './model/crm';
import { CURRENCY_CODES } from './model/currency';
import { MAX_BOARD_CARDS } from './model/opportunities';
import { Roles, type Role } from './tenancy';

/** Largest amount numeric(14,2) holds. */
export const MAX_MONEY_AMOUNT = 999_999_999_999.99;

const CURRENCY_RULE = { message: 'currency must be an ISO 4217 code such as MXN or USD' };
const instantRule = (field: string) => ({
  message: `${field} must be an ISO 8601 date or date-time, e.g. 2026-12-31T18:00:00Z`,
});
const moneyRule = (field: string) => ({ message: `${field} must be a number with at most 2 decimals` });
const positiveRule = (field: string) => ({ message: `${field} must be greater than 0` });

/**
 * A request made on behalf of a signed-in user: crm-service applies the role's visibility (setter and closer see the
 * opportunities they own or whose lead is assigned to them). The gateway fills all three from the session only.
 */
export class ActorRequest extends TenantRequest {
  @IsUUID()
  actorUserId!: string;

  @IsIn(Roles)
  actorRole!: Role;
}

class OpportunityFilters extends ActorRequest {
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @IsOptional()
  @IsUUID()
  leadId?: string;

  /** Deadline at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('deadlineFrom'))
  deadlineFrom?: IsoInstant;

  /** Deadline before this instant. */
  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('deadlineTo'))
  deadlineTo?: IsoInstant;
}

export class ListOpportunitiesRequest extends OpportunityFilters {
  @IsOptional()
  @IsIn(OPPORTUNITY_STATUSES)
  status?: OpportunityStatus;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  @WithinPagingDepth()
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class OpportunityBoardRequest extends OpportunityFilters {
  /** Cards per column (default `DEFAULT_BOARD_CARDS`). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_BOARD_CARDS)
  perStatus?: number;
}

export class GetOpportunityRequest extends ActorRequest {
  @IsUUID()
  opportunityId!: string;
}

export class CreateOpportunityRequest extends ActorRequest {
  @IsUUID()
  leadId!: string;

  @IsString()
  @Length(1, 200)
  title!: string;

  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }, moneyRule('value'))
  @Min(0.01, positiveRule('value'))
  @Max(MAX_MONEY_AMOUNT)
  value!: number;

  @IsIn(CURRENCY_CODES, CURRENCY_RULE)
  currency!: string;

  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('deadline'))
  deadline?: IsoInstant | null;

  /** Defaults to the caller. */
  @IsOptional()
  @IsUUID()
  ownerId?: string | null;
}

export class UpdateOpportunityRequest extends ActorRequest {
  @IsUUID()
  opportunityId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }, moneyRule('value'))
  @Min(0.01, positiveRule('value'))
  @Max(MAX_MONEY_AMOUNT)
  value?: number;

  @IsOptional()
  @IsIn(CURRENCY_CODES, CURRENCY_RULE)
  currency?: string;

  /** `null` clears it. */
  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('deadline'))
  deadline?: IsoInstant | null;

  /** `null` leaves it without owner. */
  @IsOptional()
  @IsUUID()
  ownerId?: string | null;

  @IsOptional()
  @IsIn(OPPORTUNITY_STATUSES)
  status?: OpportunityStatus;

  /** Required when `status` becomes `lost`. */
  @IsOptional()
  @IsString()
  @Length(1, 500)
  lostReason?: string;
}

export class ListSalesRequest extends ActorRequest {
  @IsOptional()
  @IsIn(SALE_STATUSES)
  status?: SaleStatus;

  @IsOptional()
  @IsUUID()
  leadId?: string;

  @IsOptional()
  @IsUUID()
  opportunityId?: string;

  /** Completed at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('completedFrom'))
  completedFrom?: IsoInstant;

  /** Completed before this instant. */
  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('completedTo'))
  completedTo?: IsoInstant;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  @WithinPagingDepth()
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class CreateSaleRequest extends ActorRequest {
  @IsUUID()
  leadId!: string;

  @IsOptional()
  @IsUUID()
  opportunityId?: string;

  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }, moneyRule('amount'))
  @Min(0.01, positiveRule('amount'))
  @Max(MAX_MONEY_AMOUNT)
  amount!: number;

  @IsIn(CURRENCY_CODES, CURRENCY_RULE)
  currency!: string;

  /** Defaults to now; never in the future. */
  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('completedAt'))
  completedAt?: IsoInstant;
}

export const SALE_UPDATE_STATUSES = ['completed', 'refunded'] as const;

export class UpdateSaleRequest extends ActorRequest {
  @IsUUID()
  saleId!: string;

  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }, moneyRule('amount'))
  @Min(0.01, positiveRule('amount'))
  @Max(MAX_MONEY_AMOUNT)
  amount?: number;

  @IsOptional()
  @IsIn(CURRENCY_CODES, CURRENCY_RULE)
  currency?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, instantRule('completedAt'))
  completedAt?: IsoInstant;

  @IsOptional()
  @IsIn(SALE_UPDATE_STATUSES)
  status?: (typeof SALE_UPDATE_STATUSES)[number];
}

// ---- durable events ----

class OpportunityEventBase extends TenantRequest {
  @IsUUID()
  opportunityId!: string;

  @IsUUID()
  leadId!: string;

  @IsString()
  title!: string;

  @IsNumber()
  value!: number;

  @IsString()
  currency!: string;

  @IsIn(OPPORTUNITY_STATUSES)
  status!: OpportunityStatus;

  @IsOptional()
  @IsISO8601()
  deadline!: IsoInstant | null;

  @IsOptional()
  @IsUUID()
  ownerId!: string | null;
}

export class OpportunityCreatedEvent extends OpportunityEventBase {
  @IsISO8601()
  createdAt!: IsoInstant;

  /**
   * The row's `updated_at` after this change: a version, so a consumer can tell an older state from a newer one
   * whatever order the events arrive in (absent on events published before it was added).
   */
  @IsOptional()
  @IsISO8601()
  updatedAt?: IsoInstant;
}

/** Emitted for every PATCH that changed something (status changes included). */
export class OpportunityUpdatedEvent extends OpportunityEventBase {
  /** Names of the fields that changed, e.g. `['deadline', 'status']`. */
  @IsArray()
  @IsString({ each: true })
  changed!: string[];

  /** True when the deadline moved: automation reschedules its reminders. */
  @IsBoolean()
  deadlineChanged!: boolean;

  @IsOptional()
  @IsISO8601()
  previousDeadline!: IsoInstant | null;

  @IsIn(OPPORTUNITY_STATUSES)
  previousStatus!: OpportunityStatus;

  @IsISO8601()
  updatedAt!: IsoInstant;

  /** When the opportunity was created (absent on events published before it was added). */
  @IsOptional()
  @IsISO8601()
  createdAt?: IsoInstant;

  /** When it was won or lost; null while pending (absent on events published before it was added). */
  @IsOptional()
  @IsISO8601()
  closedAt?: IsoInstant | null;
}

export class OpportunityWonEvent extends OpportunityEventBase {
  @IsISO8601()
  closedAt!: IsoInstant;

  /**
   * The row's `updated_at` after this change: a version, so a consumer can tell an older state from a newer one
   * whatever order the events arrive in (absent on events published before it was added).
   */
  @IsOptional()
  @IsISO8601()
  updatedAt?: IsoInstant;

  /** When the opportunity was created (absent on events published before it was added). */
  @IsOptional()
  @IsISO8601()
  createdAt?: IsoInstant;
}

export class OpportunityLostEvent extends OpportunityEventBase {
  @IsString()
  lostReason!: string;

  @IsISO8601()
  closedAt!: IsoInstant;

  /**
   * The row's `updated_at` after this change: a version, so a consumer can tell an older state from a newer one
   * whatever order the events arrive in (absent on events published before it was added).
   */
  @IsOptional()
  @IsISO8601()
  updatedAt?: IsoInstant;

  /** When the opportunity was created (absent on events published before it was added). */
  @IsOptional()
  @IsISO8601()
  createdAt?: IsoInstant;
}

class SaleEventBase extends TenantRequest {
  @IsUUID()
  saleId!: string;

  @IsUUID()
  leadId!: string;

  @IsOptional()
  @IsUUID()
  opportunityId!: string | null;

  @IsNumber()
  amount!: number;

  @IsString()
  currency!: string;

  @IsISO8601()
  completedAt!: IsoInstant;

  /**
   * The row's `updated_at` after this change: a version, so a consumer can tell an older state from a newer one
   * whatever order the events arrive in (absent on events published before it was added).
   */
  @IsOptional()
  @IsISO8601()
  updatedAt?: IsoInstant;
}

export class SaleCompletedEvent extends SaleEventBase {}

export class SaleRefundedEvent extends SaleEventBase {
  @IsISO8601()
  refundedAt!: IsoInstant;
}

/**
 * A sale's amount, currency or completion time was corrected without a status change (a status change emits
 * `sale.completed` / `sale.refunded` instead): the sale as it is now.
 */
export class SaleUpdatedEvent extends SaleEventBase {
  @IsIn(SALE_STATUSES)
  status!: SaleStatus;

  @IsArray()
  @IsString({ each: true })
  changed!: string[];
}
