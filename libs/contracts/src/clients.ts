import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { WithinPagingDepth } from './common';
import { MAX_PAGE } from './model/common';
import { ActorRequest } from './opportunities';

const instantRule = (field: string) => ({
  message: `${field} must be an ISO 8601 date or date-time, e.g. 2026-12-31T18:00:00Z`,
});

/** `crm.clients.list`: leads with at least one completed sale, the caller's visibility applied. */
export class ListClientsRequest extends ActorRequest {
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

  /** Part of the lead's name (case-insensitive). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

/** `crm.agenda`: pending opportunities with a deadline in `[from, to)` (at most `MAX_AGENDA_DAYS` apart). */
export class AgendaRequest extends ActorRequest {
  @IsISO8601({ strict: true }, instantRule('from'))
  from!: string;

  @IsISO8601({ strict: true }, instantRule('to'))
  to!: string;
}
