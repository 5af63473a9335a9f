import { Type } from 'class-transformer';
import {
  IsIn,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TenantRequest } from './common';
import type { IsoDate } from './model/common';
import { CURRENCY_CODES } from './model/currency';
import { RANGE_PRESETS, REPORT_VIEWS, type RangePreset, type ReportView } from './model/marketing';

export class StatsRequest extends TenantRequest {
  @IsIn(RANGE_PRESETS)
  preset!: RangePreset;

  /** Required with `custom`: inclusive dates in the ad account's timezone. */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'since must be YYYY-MM-DD' })
  since?: IsoDate;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'until must be YYYY-MM-DD' })
  until?: IsoDate;
}

export class ReportRequest extends StatsRequest {
  /** Attribution view (default `period`). */
  @IsOptional()
  @IsIn(REPORT_VIEWS, { message: 'view must be cohort or period' })
  view?: ReportView;
}

// ---- dated exchange rates ----

const CURRENCY_RULE = { message: 'must be an ISO 4217 code such as MXN or USD' };
export const MAX_FX_RATE = 1_000_000_000;
export const MAX_FX_IMPORT_ROWS = 10_000;

export class ListFxRatesRequest extends TenantRequest {
  @IsOptional()
  @IsIn(CURRENCY_CODES, { message: `from ${CURRENCY_RULE.message}` })
  from?: string;

  @IsOptional()
  @IsIn(CURRENCY_CODES, { message: `to ${CURRENCY_RULE.message}` })
  to?: string;
}

export class FxRateInput {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'day must be YYYY-MM-DD' })
  day!: IsoDate;

  @IsIn(CURRENCY_CODES, { message: `from ${CURRENCY_RULE.message}` })
  from!: string;

  @IsIn(CURRENCY_CODES, { message: `to ${CURRENCY_RULE.message}` })
  to!: string;

  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 10 },
    { message: 'rate must be a number with at most 10 decimals' },
  )
  @IsPositive({ message: 'rate must be greater than 0' })
  @Max(MAX_FX_RATE, { message: `rate must be at most ${MAX_FX_RATE}` })
  rate!: number;
}

/** Create or replace the rate of a pair on a day. */
export class PutFxRateRequest extends TenantRequest {
  @ValidateNested()
  @Type(() => FxRateInput)
  rate!: FxRateInput;
}

export class DeleteFxRateRequest extends TenantRequest {
  @IsUUID()
  rateId!: string;
}

/** A CSV file `day,from,to,rate` (header row required), as text. */
export class ImportFxRatesRequest extends TenantRequest {
  @IsString()
  @MaxLength(2_000_000, { message: 'the file is too large (at most 2 MB)' })
  csv!: string;
}
