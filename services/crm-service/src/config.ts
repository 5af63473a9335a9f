import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/nest-common';

export const SERVICE_NAME = 'crm-service';

/** crm-service settings: DATABASE_URL, NATS_URL, HTTP_PORT (default 3101), LOG_LEVEL. */
export class CrmConfig extends BaseServiceConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 3101;
}
