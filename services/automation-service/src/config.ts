import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/nest-common';

export const SERVICE_NAME = 'automation-service';

/**
 * automation-service settings: DATABASE_URL, NATS_URL, HTTP_PORT (default 3104), LOG_LEVEL, plus the
 * scheduler's poll interval and how long a send may sit in `sending` without an answer before it is failed.
 */
export class AutomationConfig extends BaseServiceConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 3104;

  /** How often the scheduler looks for due sends. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60_000)
  SCHEDULER_POLL_MS: number = 1000;

  /**
   * A send claimed this long ago with no wamid (crash mid-send) is failed, never re-sent. At least a minute: well
   * above the longest attempt (lead + tenant lookups and the 15 s send call).
   */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  @Max(24 * 3600 * 1000)
  SEND_STUCK_AFTER_MS: number = 120_000;

  /**
   * Rules without their own send window, of tenants without a default one, send only inside `DEFAULT_SEND_WINDOW`
   * (Mon–Sat 09:00–20:00 in the recipient's timezone). `false` sends them at any hour.
   */
  @Transform(({ value }: { value: unknown }) => (value === 'false' ? false : value === 'true' ? true : value))
  @IsBoolean()
  ENFORCE_DEFAULT_SEND_WINDOW: boolean = true;
  /** Redis shared by the replicas: which one publishes a live send event (SET NX per event). */
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';
}

export type SchedulerSettings = Pick<AutomationConfig, 'SCHEDULER_POLL_MS' | 'SEND_STUCK_AFTER_MS'>;
export const SCHEDULER_SETTINGS = Symbol('SCHEDULER_SETTINGS');
