import { plainToInstance } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import { describeValidationErrors } from '@crm/contracts';
import type { ClassConstructor } from 'class-transformer';

/**
 * How a process reaches NATS: the URL, its own NATS user and optional TLS files. Every service has these, the gateway
 * too (it has no database, so it does not extend `BaseServiceConfig`).
 */
export class NatsServiceConfig {
  @Matches(/^(nats|tls):\/\/.+/, { message: 'NATS_URL must be a nats:// URL' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  /** This service's NATS user (infra/nats/users.conf) and its password; unset against a NATS without auth. */
  @IsOptional()
  @IsString()
  NATS_USER?: string;

  @IsOptional()
  @IsString()
  NATS_PASSWORD?: string;

  /** TLS to NATS: the CA of the server's certificate, and a client certificate/key if the server verifies clients. */
  @IsOptional()
  @IsString()
  NATS_TLS_CA?: string;

  @IsOptional()
  @IsString()
  NATS_TLS_CERT?: string;

  @IsOptional()
  @IsString()
  NATS_TLS_KEY?: string;
}

/** Settings every service has. Services extend it with their own. */
export class BaseServiceConfig extends NatsServiceConfig {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT!: number;

  /** 0.0.0.0 in containers, so /health and /metrics can be scraped. */
  @IsString()
  HTTP_HOST: string = '127.0.0.1';

  @IsString()
  LOG_LEVEL: string = 'log';

  /** Deliveries of a JetStream message before a consumer parks it in the dead-letter table (transient failures). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  JETSTREAM_MAX_DELIVER: number = 10;

  /** First redelivery delay of a failing message; doubles per delivery up to JETSTREAM_BACKOFF_MAX_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600_000)
  JETSTREAM_BACKOFF_BASE_MS: number = 250;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  JETSTREAM_BACKOFF_MAX_MS: number = 60_000;

  /** Days a published outbox row is kept (for tracing) before the daily retention job deletes it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_OUTBOX_DAYS: number = 7;

  /** Days a replayed or discarded dead letter is kept (audit); parked ones stay until someone resolves them. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_DEAD_LETTERS_DAYS: number = 90;
}

/**
 * The consumers' delivery policy from a service config (`MessagingModule.forRoot({ delivery })`); a field left out
 * (an app module booted by a test with only DATABASE_URL and NATS_URL) keeps its default.
 */
export function deliveryPolicyOf(
  config: Partial<
    Pick<
      BaseServiceConfig,
      'JETSTREAM_MAX_DELIVER' | 'JETSTREAM_BACKOFF_BASE_MS' | 'JETSTREAM_BACKOFF_MAX_MS'
    >
  >,
): { maxDeliver: number; backoff: { baseMs: number; maxMs: number } } {
  const defaults = new BaseServiceConfig();
  return {
    maxDeliver: config.JETSTREAM_MAX_DELIVER ?? defaults.JETSTREAM_MAX_DELIVER,
    backoff: {
      baseMs: config.JETSTREAM_BACKOFF_BASE_MS ?? defaults.JETSTREAM_BACKOFF_BASE_MS,
      maxMs: config.JETSTREAM_BACKOFF_MAX_MS ?? defaults.JETSTREAM_BACKOFF_MAX_MS,
    },
  };
}

export class ConfigError extends Error {}

/**
 * Validate environment variables into a typed config. Fails with one line naming every bad variable —
 * values are never echoed, so secrets cannot leak into logs.
 */
export function parseConfig<T extends object>(
  cls: ClassConstructor<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const defaults = new cls() as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(env)) {
    if (env[key] !== undefined && env[key] !== '') merged[key] = env[key];
  }
  const instance = plainToInstance(cls, merged, { enableImplicitConversion: false });
  const errors = validateSync(instance as object, { whitelist: false });
  if (errors.length > 0) throw new ConfigError(describeValidationErrors(errors));
  return instance;
}

/** `parseConfig`, but a service that cannot start says why in one line and exits. */
export function loadConfigOrExit<T extends object>(service: string, cls: ClassConstructor<T>): T {
  try {
    return parseConfig(cls);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
