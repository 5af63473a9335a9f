import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import {
  E164_PATTERN,
  LEAD_SOURCES,
  LEAD_STATUSES,
  type CreateLeadRequest,
  type LeadSource,
  type LeadStatus,
  type ListLeadsRequest,
  type UpdateLeadStatusRequest,
} from '@crm/contracts';
import { PageQueryDto } from '../http/page-query.dto';

/** Query of `GET /crm/leads` (unknown query parameters are dropped). */
export class ListLeadsQuery extends PageQueryDto implements Omit<ListLeadsRequest, 'tenantId'> {
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
