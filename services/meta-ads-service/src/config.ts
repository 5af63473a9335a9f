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
   * A send of unknown outcome (its replica died after the request began, or Meta's answer was lost) that no status
   * webhook has settled after this long is taken as not sent when its caller reconciles, and may go with the same
   * key. Meta posts status webhooks within seconds and retries them for days, so the default is a day: a message
   * a day late is better than a duplicate.
   */
  @Type(() => Number)
  @IsInt()
  @Min(5_000)
  @Max(7 * 24 * 3600 * 1000)
  WHATSAPP_UNKNOWN_HORIZON_MS: number = 24 * 3600 * 1000;

  /** How often every connected WABA's templates are synced (once across replicas; 15 minutes by default). */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  TEMPLATE_SYNC_INTERVAL_MS: number = 900_000;

  /** Issue 8: period of the Lead Ads form sync of every connected account's Pages, once across replicas. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  LEAD_FORM_SYNC_INTERVAL_MS: number = 3_600_000;
}
