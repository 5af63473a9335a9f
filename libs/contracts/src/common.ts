import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGING_ROWS } from './model/common';

export class TenantRequest {
  @IsUUID()
  tenantId!: string;
}

/**
 * `page` of an offset list: `page × pageSize` (its default when absent) at most `MAX_PAGING_ROWS`, else a 400 that
 * says to narrow the filters. Put it on `page` beside `@Max(MAX_PAGE)`.
 */
export function WithinPagingDepth(options?: ValidationOptions): PropertyDecorator {
  const sizeOf = (object: object): number => {
    const size = (object as { pageSize?: unknown }).pageSize;
    return typeof size === 'number' && size > 0 ? size : DEFAULT_PAGE_SIZE;
  };
  return ValidateBy(
    {
      name: 'withinPagingDepth',
      validator: {
        validate: (value: unknown, args) =>
          typeof value !== 'number' || !args || value * sizeOf(args.object) <= MAX_PAGING_ROWS,
        defaultMessage: (args) =>
          `page × pageSize may reach at most ${MAX_PAGING_ROWS.toLocaleString('en')} rows ` +
          `(asked ${String(args?.value)} × ${args ? sizeOf(args.object) : DEFAULT_PAGE_SIZE}): ` +
          'narrow the filters, or page with `cursor` where the list offers it (leads)',
      },
    },
    options,
  );
}

export class PageQuery extends TenantRequest {
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
