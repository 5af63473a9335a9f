import 'reflect-metadata';
import {
  ConsoleLogger,
  type DynamicModule,
  type INestApplication,
  type LogLevel,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { ClassConstructor } from 'class-transformer';
import { loadConfigOrExit, type BaseServiceConfig } from './config';
import { RpcErrorFilter, rpcValidationPipe } from './rpc';
import { MetricsInterceptor, initMetrics } from './metrics';
import { natsConnectOptions } from './nats-connection';
import { redactForLog, secretValuesOf } from './redaction';

export type HybridServiceOptions = {
  name: string;
  module: Type<unknown> | DynamicModule;
  natsUrl: string;
  /** Queue group: replicas of the service share each subject's messages. */
  queue: string;
  httpPort: number;
  httpHost?: string;
  logLevel?: string;
  /** Values the log never shows (`secretValuesOf(config)`); by default those of the process's environment. */
  secrets?: readonly string[];
  /** Extra HTTP setup (the gateway adds cookies, raw body, static files…). */
  configureHttp?: (app: INestApplication) => void | Promise<void>;
  rawBody?: boolean;
};

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest's console logger (text, or JSON with `LOG_FORMAT=json`) that passes every line through `redactForLog`: the
 * values of the process's secret variables, tokens, JWTs, phone numbers and WhatsApp message ids never reach the
 * log, whatever a message or an error's stack holds.
 */
export class RedactingLogger extends ConsoleLogger {
  private readonly secrets: readonly string[];

  constructor(
    context: string,
    options: ConstructorParameters<typeof ConsoleLogger>[1],
    secrets: readonly string[],
  ) {
    super(context, options ?? {});
    this.secrets = secrets;
  }

  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    return redactForLog(super.formatMessage(...args), this.secrets);
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack ? redactForLog(stack, this.secrets) : stack);
  }

  /** `LOG_FORMAT=json`: the message (a string, or an object through its JSON) and the stack. */
  protected override getJsonLogObject(
    ...args: Parameters<ConsoleLogger['getJsonLogObject']>
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const object = super.getJsonLogObject(...args);
    const redact = (value: unknown): unknown => {
      if (value === undefined || value === null) return value;
      if (typeof value === 'string') return redactForLog(value, this.secrets);
      if (value instanceof Error) return redactForLog(value.stack ?? value.message, this.secrets);
      try {
        return JSON.parse(redactForLog(JSON.stringify(value), this.secrets)) as unknown;
      } catch {
        return '[unloggable value]';
      }
    };
    return {
      ...object,
      message: redact(object.message),
      ...(object.stack !== undefined ? { stack: redact(object.stack) } : {}),
    };
  }
}

export function createLogger(
  name: string,
  level = 'log',
  secrets: readonly string[] = secretValuesOf(),
): ConsoleLogger {
  const index = Math.max(0, LEVELS.indexOf(level as LogLevel));
  return new RedactingLogger(
    name,
    { logLevels: LEVELS.slice(0, index + 1), json: process.env.LOG_FORMAT === 'json' },
    secrets,
  );
}

/**
 * Start a NestJS hybrid app: a NATS microservice (queue group) plus a small HTTP port for /health and /metrics.
 */
export async function bootstrapHybridService(options: HybridServiceOptions): Promise<INestApplication> {
  initMetrics(options.name);
  const app = await NestFactory.create(options.module, {
    logger: createLogger(options.name, options.logLevel, options.secrets ?? secretValuesOf()),
    rawBody: options.rawBody ?? false,
  });
  app.useGlobalPipes(rpcValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  app.useGlobalInterceptors(new MetricsInterceptor());
  app.enableShutdownHooks();
  await options.configureHttp?.(app);
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.NATS,
      options: { ...natsConnectOptions(options.natsUrl), queue: options.queue, name: options.name },
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(options.httpPort, options.httpHost ?? '127.0.0.1');
  return app;
}

/**
 * The whole `main.ts` of a service: validate its config (one clear line and exit when invalid), then start it
 * as a hybrid app. A failure to start is one line on stderr and exit code 1.
 */
export function runService<C extends BaseServiceConfig>(options: {
  name: string;
  config: ClassConstructor<C>;
  queue: string;
  module: (config: C) => Type<unknown> | DynamicModule;
}): void {
  const config = loadConfigOrExit(options.name, options.config);
  bootstrapHybridService({
    name: options.name,
    module: options.module(config),
    natsUrl: config.NATS_URL,
    queue: options.queue,
    httpPort: config.HTTP_PORT,
    httpHost: config.HTTP_HOST,
    logLevel: config.LOG_LEVEL,
    secrets: secretValuesOf({ ...process.env, ...config }),
  }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${options.name}: failed to start: ${redactForLog(reason, secretValuesOf())}\n`);
    process.exit(1);
  });
}
