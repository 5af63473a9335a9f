import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/nest-common';

export const SERVICE_NAME = 'automation-service';

/**
 * Settings that are no longer read but still accepted, so an old environment keeps starting: each one that is set
 * gets a one-line warning at start-up (`deprecatedSettingsIn`).
 */
export const DEPRECATED_SETTINGS: Readonly<Record<string, string>> = {
  SEND_STUCK_AFTER_MS: 'per-send leases (SEND_CLAIM_LEASE_MS) replaced the stuck sweep',
};

/** One warning line per deprecated setting present in `env`. */
export function deprecatedSettingsIn(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(DEPRECATED_SETTINGS)
    .filter(([name]) => env[name] !== undefined && env[name] !== '')
    .map(
      ([name, why]) => `${name} is no longer used and is ignored (${why}); remove it from the environment`,
    );
}

/**
 * automation-service settings: DATABASE_URL, NATS_URL, HTTP_PORT (default 3104), LOG_LEVEL, plus the
 * scheduler's poll interval, claim leases and concurrency.
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
   * Rules without their own send window, of tenants without a default one, send only inside `DEFAULT_SEND_WINDOW`
   * (Mon–Sat 09:00–20:00 in the recipient's timezone). `false` sends them at any hour.
   */
  @Transform(({ value }: { value: unknown }) => (value === 'false' ? false : value === 'true' ? true : value))
  @IsBoolean()
  ENFORCE_DEFAULT_SEND_WINDOW: boolean = true;
  /** Redis shared by the replicas: which one publishes a live send event (SET NX per event). */
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /**
   * How long a claimed send stays this replica's while it is prepared (lead lookup, checks). A claim whose lease
   * runs out before its request began goes back to the schedule (nothing left us); once the request begins the
   * lease covers the send call, and a lease that runs out after that makes the send `unknown`.
   */
  @Type(() => Number)
  @IsInt()
  @Min(2_000)
  @Max(600_000)
  SEND_CLAIM_LEASE_MS: number = 30_000;

  /** Sends one replica handles at once (each claimed with its own lease; meta-ads-service paces them per number). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  SEND_CONCURRENCY: number = 16;

  /** A tenant whose Meta token expired (190): its sends stay scheduled and are tried again this often. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(3_600_000)
  SEND_PAUSE_RECHECK_MS: number = 30_000;

  /** Days a frequency-cap mark is kept: longer than the longest cap a tenant may set (`capHours` ≤ 720 h). */
  @Type(() => Number)
  @IsInt()
  @Min(31)
  @Max(3650)
  RETENTION_FREQUENCY_MARKS_DAYS: number = 31;

  /**
   * Days a rule-limit mark is kept: longer than the longest `limits.perDays` (365). Marks of a rule whose limit counts
   * forever (`perDays` null) stay while the rule exists.
   */
  @Type(() => Number)
  @IsInt()
  @Min(366)
  @Max(3650)
  RETENTION_RULE_LIMIT_MARKS_DAYS: number = 366;

  /** Days a contact's customer-service window is kept after it closed (a closed window reads as none). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_CONTACT_WINDOWS_DAYS: number = 7;

  /**
   * Days a lead's status tombstone is kept: it must outlive the longest stream `max_age` (a late `lead.created` cannot
   * arrive after that) — checked at start-up.
   */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(3650)
  RETENTION_TOMBSTONES_DAYS: number = 45;
}

export type SchedulerSettings = Pick<AutomationConfig, 'SCHEDULER_POLL_MS'> &
  Partial<Pick<AutomationConfig, 'SEND_CLAIM_LEASE_MS' | 'SEND_CONCURRENCY' | 'SEND_PAUSE_RECHECK_MS'>>;
export const SCHEDULER_SETTINGS = Symbol('SCHEDULER_SETTINGS');
