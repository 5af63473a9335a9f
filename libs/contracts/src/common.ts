import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { MAX_PAGE } from './model/common';

export class TenantRequest {
  @IsUUID()
  tenantId!: string;
}

export class PageQuery extends TenantRequest {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written `YYYY-MM-DD` (`2026-02-30` is refused), e.g. a day in the tenant's timezone. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => {
          const match = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
          if (!match) return false;
          const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
          const date = new Date(Date.UTC(year, month, day));
          return year >= 1 && date.getUTCMonth() === month && date.getUTCDate() === day;
        },
        defaultMessage: () => '$property must be a calendar date written YYYY-MM-DD',
      },
    },
    options,
  );
}
