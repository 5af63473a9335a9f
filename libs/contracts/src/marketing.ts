import { IsIn, IsOptional, Matches } from 'class-validator';
import { TenantRequest } from './common';
import type { IsoDate } from './model/common';
import { RANGE_PRESETS, type RangePreset } from './model/marketing';

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
