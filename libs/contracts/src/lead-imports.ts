import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TenantRequest } from './common';
import { LEAD_IMPORT_LIMITS } from './model/lead-imports';

const { maxColumns, maxRows } = LEAD_IMPORT_LIMITS;

/** `crm.lead-imports.create`: a job for a CSV the gateway has checked (encoding, header, size). */
export class CreateLeadImportRequest extends TenantRequest {
  @IsUUID()
  createdBy!: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(maxColumns)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  header!: string[];

  @IsInt()
  @Min(1)
  @Max(maxRows)
  totalRows!: number;
}

export class LeadImportRequest extends TenantRequest {
  @IsUUID()
  importId!: string;
}

/**
 * `crm.lead-imports.append`: the next rows of a `receiving` job, numbered from `firstRow` (1-based). The gateway
 * sends a file in parts small enough for NATS; sending a part twice is harmless.
 */
export class AppendLeadImportRowsRequest extends LeadImportRequest {
  @IsInt()
  @Min(1)
  @Max(maxRows)
  firstRow!: number;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(maxRows)
  @IsArray({ each: true })
  rows!: string[][];
}

export class LeadImportMappingBody {
  @IsInt()
  @Min(0)
  @Max(maxColumns - 1)
  name!: number;

  @IsInt()
  @Min(0)
  @Max(maxColumns - 1)
  phone!: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(maxColumns - 1)
  email?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(maxColumns - 1)
  tags?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(maxColumns - 1)
  notes?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(maxColumns - 1)
  source?: number;
}

/** `crm.lead-imports.start`: which column holds each field; the job starts running. */
export class StartLeadImportRequest extends LeadImportRequest {
  @IsObject()
  @ValidateNested()
  @Type(() => LeadImportMappingBody)
  mapping!: LeadImportMappingBody;
}

/** `crm.lead-imports.rejects`: rejected rows after row `after`, in row order. */
export class LeadImportRejectsRequest extends LeadImportRequest {
  @IsOptional()
  @IsInt()
  @Min(0)
  after?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2000)
  limit?: number;
}
