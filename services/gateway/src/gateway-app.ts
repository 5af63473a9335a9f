import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootstrapHybridService, secretValuesOf } from '@crm/nest-common';
import { createAppModule } from './app.module';
import { GATEWAY_QUEUE, SERVICE_NAME, type GatewayConfig } from './config';
import { configureHttp } from './http/configure-http';

/** Start the gateway (NATS client + HTTP). `main.ts` and the integration tests both boot it this way. */
export function startGateway(config: GatewayConfig): Promise<INestApplication> {
  return bootstrapHybridService({
    name: SERVICE_NAME,
    module: createAppModule(config),
    natsUrl: config.NATS_URL,
    queue: GATEWAY_QUEUE,
    httpPort: config.HTTP_PORT,
    httpHost: config.HTTP_HOST,
    logLevel: config.LOG_LEVEL,
    secrets: secretValuesOf({ ...process.env, ...config }),
    configureHttp: (app) => configureHttp(app as NestExpressApplication, config),
  });
}
