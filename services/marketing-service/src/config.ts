import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/nest-common';

export const SERVICE_NAME = 'marketing-service';

/** marketing-service settings: DATABASE_URL, NATS_URL, HTTP_PORT (default 3103), LOG_LEVEL, timeouts. */
export class MarketingConfig extends BaseServiceConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 3103;

  /** How long to wait for `meta.insights.ads` (meta-ads-service may page through Meta and retry). */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(120_000)
  INSIGHTS_RPC_TIMEOUT_MS: number = 25_000;

  /** How long to wait for the other RPCs (connection status, tenant, CRM attribution summary). */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(120_000)
  RPC_TIMEOUT_MS: number = 10_000;

  /** Last-good report snapshots older than this are deleted when a new one is stored. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  SNAPSHOT_RETENTION_DAYS: number = 35;

  /**
   * Memory for the serialised Marketing reports and ROI this replica keeps, per tenant, view and range, while their
   * inputs are unchanged (~0.4 MB per 1,000-ad report); 0 turns the cache off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(4096)
  REPORT_CACHE_MAX_MB: number = 32;

  /** How long a read-model event waits for its tenant's lock (a rebuild holds it) before it is retried later. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  READ_MODEL_LOCK_TIMEOUT_MS: number = 10_000;

  /** Leads per `crm.attribution.facts` page when the read model is rebuilt (`npm run rebuild:marketing`). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2000)
  REBUILD_PAGE_SIZE: number = 1000;

  /**
   * A tenant whose read model was never built is built within its first report up to this many leads; a larger one
   * answers `REPORT_PREPARING` (503, Retry-After) while it is built in the background.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  READ_MODEL_INLINE_BUILD_MAX_LEADS: number = 20_000;

  /** How often each replica looks for never-built tenants to build in the background (one at a time, once). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  READ_MODEL_BUILD_POLL_MS: number = 60_000;
}
