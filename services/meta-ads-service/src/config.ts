import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { BaseServiceConfig, parseEncryptionKey } from '@crm/nest-common';

/** `TOKEN_ENCRYPTION_KEY` must decode (base64) to exactly 32 bytes. The value is never echoed. */
function IsEncryptionKey(): PropertyDecorator {
  return ValidateBy({
    name: 'isEncryptionKey',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return false;
        try {
          parseEncryptionKey(value);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'TOKEN_ENCRYPTION_KEY must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
    },
  });
}

/** meta-ads-service settings. Secrets (app secret, encryption key) have no default. */
export class MetaAdsConfig extends BaseServiceConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 3102;

  /** Graph API origin: the Meta sandbox in dev/tests/demo, `https://graph.facebook.com` in production. */
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'META_GRAPH_URL must be an http(s) URL' })
  META_GRAPH_URL!: string;

  @Matches(/^v\d{1,3}\.\d$/, { message: 'META_GRAPH_VERSION must look like v23.0' })
  META_GRAPH_VERSION: string = 'v23.0';

  @Matches(/^\d{1,30}$/, { message: 'META_APP_ID must be a numeric Meta app id' })
  META_APP_ID!: string;

  @IsString()
  @MinLength(8, { message: 'META_APP_SECRET must be set' })
  META_APP_SECRET!: string;

  @IsEncryptionKey()
  TOKEN_ENCRYPTION_KEY!: string;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  META_HTTP_TIMEOUT_MS: number = 10_000;

  /** How long an open circuit breaker (per tenant and API family) waits before letting one trial call through. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  META_BREAKER_RESET_MS: number = 30_000;

  /**
   * How often Lead Ads leads that could not be read from Meta (`pending_leadgen`) are tried again; a lead that keeps
   * failing waits longer each time (doubling, at most one hour). A reconnect retries the tenant's leads at once.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  LEADGEN_RETRY_MS: number = 60_000;

  /** Redis shared by the replicas: WhatsApp send pacing (per-number throughput and pair rate limit). */
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /**
   * Messages per second per WhatsApp number, across all replicas (Meta's default throughput is 80; a number
   * upgraded by Meta takes up to 1,000). Sends beyond it wait their turn here instead of meeting Meta's 130429.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WHATSAPP_MPS: number = 80;

  /** Meta's pair rate limit: the gap kept between two messages to the same recipient (1 per 6 s). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WHATSAPP_PAIR_INTERVAL_MS: number = 6000;

  /** The longest a send waits for its throughput slot before it is answered "rate limited, retry in …". */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  WHATSAPP_MAX_PACING_WAIT_MS: number = 2000;

  /**
   * A send of unknown outcome (its replica died after the request began, or Meta's answer was lost) is taken as not
   * sent only on evidence (see `WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS`). Without evidence, once this long has passed
   * since its request began, `meta.whatsapp.send-outcome` answers `expired`: the caller stops waiting and ends it
   * failed (`outcome_unknown`), never re-sent automatically; a late status webhook still settles it.
   */
  @Type(() => Number)
  @IsInt()
  @Min(5_000)
  @Max(7 * 24 * 3600 * 1000)
  WHATSAPP_UNKNOWN_HORIZON_MS: number = 24 * 3600 * 1000;

  /**
   * Evidence that an unsettled send never reached WhatsApp: a status webhook for a message from the same number whose
   * request began more than this long after ours had ended (or timed out). Meta reports each number's messages in
   * order, so a later one reported while ours never is means Meta never took ours; the grace covers a request Meta
   * was still taking after we gave up on it.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS: number = 120_000;

  /** How often every connected WABA's templates are synced (once across replicas; 15 minutes by default). */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  TEMPLATE_SYNC_INTERVAL_MS: number = 900_000;

  /**
   * How long webhooks for the assets of a disconnected tenant are kept for it (`held_webhooks`), waiting for it to
   * reconnect with those assets; older ones are deleted (logged). Meta itself retries a failed delivery for up to
   * 7 days, so a week by default (1 hour – 30 days).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(720)
  HELD_WEBHOOK_RETENTION_HOURS: number = 168;

  /**
   * Days a webhook receipt (the dedupe key of a Meta delivery) is kept. Meta retries a delivery for up to 7 days, so
   * at least 8: a retry after its receipt is gone would be processed twice.
   */
  @Type(() => Number)
  @IsInt()
  @Min(8)
  @Max(3650)
  RETENTION_WEBHOOK_RECEIPTS_DAYS: number = 30;

  /** Days a consumed OAuth state nonce is kept after it expired (a signed state is refused after expiry anyway). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_OAUTH_STATES_DAYS: number = 1;

  /** Days a cached insights answer is kept after it was fetched (an older range is fetched again when asked). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_INSIGHTS_CACHE_DAYS: number = 30;

  /** Days a leadgen for a Page no tenant connected is kept (Meta serves a lead's data for 90 days). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_UNROUTED_LEADGEN_DAYS: number = 90;

  /**
   * How often every connected token is inspected with `debug_token` (expiry, data-access expiry, granted scopes, still
   * valid?), once across replicas; connect inspects it too. Six hours by default (1 s – 1 day).
   */
  /** Issue 8: period of the Lead Ads form sync of every connected account's Pages, once across replicas. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  TOKEN_CHECK_INTERVAL_MS: number = 21_600_000;

  /**
   * Insights for a range longer than this many days are read with an asynchronous report run; shorter ranges are read
   * synchronously first and fall back to a report run when Meta answers "too much data" or times out (Meta's advice,
   * REFERENCE §4.4). An ad-level read without `time_increment` is one row per ad whatever the range, so a year is
   * as cheap as a week: 400 keeps every preset up to a year synchronous.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  INSIGHTS_ASYNC_AFTER_DAYS: number = 400;

  /** Wait before the first poll of a report run; it doubles each time, up to 30 s. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(30_000)
  INSIGHTS_ASYNC_POLL_MS: number = 250;

  /** The longest a report run is waited for before the read fails with META_UNAVAILABLE (a cached answer is served). */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  INSIGHTS_ASYNC_TIMEOUT_MS: number = 300_000;
  LEAD_FORM_SYNC_INTERVAL_MS: number = 3_600_000;
}
