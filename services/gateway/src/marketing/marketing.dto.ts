import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import {
  RANGE_PRESETS,
  type IsoDate,
  type ListAdAccountsRequest,
  type RangePreset,
  type SelectAssetsRequest,
  type StatsRequest,
} from '@crm/contracts';

const NUMERIC_ID = /^\d{1,30}$/;

/** Query of `GET /crm/marketing/meta-accounts` and `/meta-phone-numbers`. */
export class BusinessQuery implements Omit<ListAdAccountsRequest, 'tenantId'> {
  @ApiProperty({ example: '1200000000000101', description: 'Meta business portfolio id' })
  @Matches(NUMERIC_ID, { message: 'businessId must be a numeric Meta id' })
  businessId!: string;
}

/** Body of `POST /crm/marketing/connect`. */
export class ConnectBody implements Omit<SelectAssetsRequest, 'tenantId'> {
  @ApiProperty({ description: 'Meta business portfolio id' })
  @Matches(NUMERIC_ID, { message: 'businessId must be a numeric Meta id' })
  businessId!: string;

  @ApiProperty({ example: 'act_1234567890' })
  @Matches(/^act_\d{1,30}$/, { message: 'adAccountId must look like act_<digits>' })
  adAccountId!: string;

  @ApiProperty({ description: 'WhatsApp Business Account id' })
  @Matches(NUMERIC_ID, { message: 'wabaId must be a numeric Meta id' })
  wabaId!: string;

  @ApiProperty({ description: 'WhatsApp phone number id' })
  @Matches(NUMERIC_ID, { message: 'phoneNumberId must be a numeric Meta id' })
  phoneNumberId!: string;
}

/** Query of `GET /crm/marketing/stats` and `/stats/roi`. */
export class StatsQuery implements Omit<StatsRequest, 'tenantId'> {
  @ApiProperty({ enum: RANGE_PRESETS })
  @IsIn(RANGE_PRESETS)
  preset!: RangePreset;

  @ApiPropertyOptional({
    example: '2026-01-01',
    description: 'With `custom`: first day (ad account timezone)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'since must be YYYY-MM-DD' })
  since?: IsoDate;

  @ApiPropertyOptional({ example: '2026-01-31', description: 'With `custom`: last day, inclusive' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'until must be YYYY-MM-DD' })
  until?: IsoDate;
}
