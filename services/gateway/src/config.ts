import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { resolve } from 'node:path';
import { NatsServiceConfig } from '@crm/nest-common';

export const SERVICE_NAME = 'gateway';

/** The gateway's own NATS queue group (it serves no subjects today; replicas still share one). */
export const GATEWAY_QUEUE = 'gateway';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** A secret that must differ from another variable (e.g. OAUTH_STATE_SECRET vs SESSION_SECRET). */
function DiffersFrom(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'differsFrom',
    constraints: [other],
    validator: {
      // An unset value is reported by the other validators; this one only catches a reused secret.
      validate: (value: unknown, args?: ValidationArguments) =>
        value === undefined || value !== (args?.object as Record<string, unknown> | undefined)?.[other],
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'value'} must be different from ${other}`,
    },
  });
}

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  return value;
};

/**
 * Gateway settings: the NATS fields every service has (`NatsServiceConfig`) and its own; no database.
 * Secrets have no default; `loadConfigOrExit` stops the process with one line naming every bad variable.
 */
export class GatewayConfig extends NatsServiceConfig {
  /** Ignored: the gateway has no database. Accepted so a shared `.env` can be used unchanged. */
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT: number = 3000;

  /** `0.0.0.0` in containers. */
  @IsString()
  HTTP_HOST: string = '127.0.0.1';

  @IsString()
  LOG_LEVEL: string = 'log';

  /**
   * Express `trust proxy` (e.g. `loopback`, `1`, `true`) when the gateway runs behind a reverse proxy: the client IP
   * (login limits per IP and per network) is then read from `X-Forwarded-For`. Behind a proxy without it, every
   * client has the proxy's IP and shares one per-IP budget. See docs/SECURITY.md.
   */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /**
   * Redis of the shared login limiter (every replica counts in it). Unset (the demo): counted in process, with a
   * warning at start.
   */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  /** Signs session JWTs (HS256). */
  @IsString()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters' })
  SESSION_SECRET!: string;

  /** Signs the OAuth `state`. Must not be the session secret. */
  @IsString()
  @MinLength(32, { message: 'OAUTH_STATE_SECRET must be at least 32 characters' })
  @DiffersFrom('SESSION_SECRET')
  OAUTH_STATE_SECRET!: string;

  @Type(() => Number)
  @IsInt()
  @Min(300)
  @Max(30 * 24 * 3600)
  SESSION_TTL_SECONDS: number = 43_200;

  /** `Secure` flag of the session cookie; only plain-http local runs set it to false. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'COOKIE_SECURE must be true or false' })
  COOKIE_SECURE: boolean = true;

  /** Public origin of the gateway as the browser sees it; the OAuth redirect_uri is built from it. */
  @Matches(/^https?:\/\/[^\s/]+$/, {
    message: 'PUBLIC_URL must be an http(s) origin without a trailing slash',
  })
  PUBLIC_URL: string = 'http://127.0.0.1:3000';

  @Matches(/^\d{1,30}$/, { message: 'META_APP_ID must be a numeric Meta app id' })
  META_APP_ID!: string;

  /** Verifies webhook signatures and authenticates the code exchange. */
  @IsString()
  @MinLength(8, { message: 'META_APP_SECRET must be set' })
  META_APP_SECRET!: string;

  @IsString()
  @MinLength(8, { message: 'META_WEBHOOK_VERIFY_TOKEN must be at least 8 characters' })
  META_WEBHOOK_VERIFY_TOKEN!: string;

  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*[^\s/])?$/, {
    message: 'META_GRAPH_URL must be an http(s) URL without a trailing slash',
  })
  META_GRAPH_URL: string = 'https://graph.facebook.com';

  @Matches(/^v\d{1,3}\.\d$/, { message: 'META_GRAPH_VERSION must look like v23.0' })
  META_GRAPH_VERSION: string = 'v23.0';

  @Matches(/^https?:\/\/[^\s/]+\/[^\s]*$/, { message: 'META_OAUTH_DIALOG_URL must be an http(s) URL' })
  META_OAUTH_DIALOG_URL: string = 'https://www.facebook.com/v23.0/dialog/oauth';

  /** Built frontend (Vite `dist`); served with an SPA fallback when it exists. */
  @IsString()
  FRONTEND_DIST: string = resolve(REPO_ROOT, 'frontend/dist');
}

/** Path of the Meta OAuth callback (also the path of the `crm_oauth` cookie, so it goes nowhere else). */
export const META_CALLBACK_PATH = '/crm/auth/meta/callback';

/** The OAuth redirect_uri registered with Meta. */
export function metaCallbackUrl(config: Pick<GatewayConfig, 'PUBLIC_URL'>): string {
  return `${config.PUBLIC_URL}${META_CALLBACK_PATH}`;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
