import 'reflect-metadata';
import { QueueGroups } from '@crm/contracts';
import { bootstrapHybridService, loadConfigOrExit } from '@crm/nest-common';
import { AppModule, SERVICE_NAME } from './app.module';
import { MetaAdsConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(SERVICE_NAME, MetaAdsConfig);
  await bootstrapHybridService({
    name: SERVICE_NAME,
    module: AppModule.forRoot(config),
    natsUrl: config.NATS_URL,
    queue: QueueGroups.metaAds,
    httpPort: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${SERVICE_NAME}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
