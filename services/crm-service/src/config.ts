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

  /**
   * Days an applied event key (`processed_events`) is kept. It must outlive every message that could still be
   * delivered again: the longest stream `max_age` (a consumer re-created from the start re-reads the whole stream;
   * 30 days for CRM_EVENTS by default) — checked at start-up. A dead letter replayed after that relies on the
   * tables' unique constraints.
   */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(3650)
  RETENTION_PROCESSED_EVENTS_DAYS: number = 45;

  /** Days a session row is kept after it expired or was revoked (daily retention job). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_SESSIONS_DAYS: number = 30;

  /**
   * Days a lead import is kept after it ended (done or failed) or, never started, after it was uploaded; its rows and
   * rejects (the file's cells) go with it. The leads it created stay.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_LEAD_IMPORTS_DAYS: number = 30;
}
