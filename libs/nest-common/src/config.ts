import { plainToInstance } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import { describeValidationErrors } from '@crm/contracts';
import type { ClassConstructor } from 'class-transformer';

/** Settings every service has. Services extend it with their own. */
export class BaseServiceConfig {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Matches(/^(nats|tls):\/\/.+/, { message: 'NATS_URL must be a nats:// URL' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

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
