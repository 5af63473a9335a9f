import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  MAX_PAGE,
  E164_PATTERN,
  LEAD_SOURCES,
  LEAD_STATUSES,
  type CreateLeadRequest,
  type LeadSource,
  type LeadStatus,
  type ListLeadsRequest,
  type UpdateLeadStatusRequest,
} from '@crm/contracts';

/** Query of `GET /crm/leads` (unknown query parameters are dropped). */
export class ListLeadsQuery implements Omit<ListLeadsRequest, 'tenantId'> {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;

  @ApiPropertyOptional({ enum: LEAD_STATUSES })
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  status?: LeadStatus;

  @ApiPropertyOptional({ enum: LEAD_SOURCES })
  @IsOptional()
  @IsIn(LEAD_SOURCES)
  source?: LeadSource;

  @ApiPropertyOptional({ maxLength: 100, description: 'Name, phone or email contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

/** Body of `POST /crm/leads`. */
export class CreateLeadBody implements Omit<CreateLeadRequest, 'tenantId' | 'assignedUserId'> {
  @ApiProperty({ example: 'María López', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: '+5215512345678', description: 'E.164' })
  @Matches(E164_PATTERN, { message: 'phone must be in E.164 format, e.g. +5215512345678' })
  phone!: string;

  @ApiPropertyOptional({ example: 'maria@example.com' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiProperty({ enum: LEAD_SOURCES })
  @IsIn(LEAD_SOURCES)
  leadSource!: LeadSource;
}

/** Body of `PATCH /crm/leads/:id/status`. */
export class UpdateLeadStatusBody implements Pick<UpdateLeadStatusRequest, 'status'> {
  @ApiProperty({ enum: LEAD_STATUSES })
  @IsIn(LEAD_STATUSES)
  status!: LeadStatus;
}
