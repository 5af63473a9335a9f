import 'reflect-metadata';
import { QueueGroups } from '@crm/contracts';
import { bootstrapHybridService, loadConfigOrExit } from '@crm/nest-common';
import { createAppModule } from './app.module';
import { AutomationConfig, SERVICE_NAME } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(SERVICE_NAME, AutomationConfig);
  await bootstrapHybridService({
    name: SERVICE_NAME,
    module: createAppModule(config),
    natsUrl: config.NATS_URL,
    queue: QueueGroups.automation,
    httpPort: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
  });
}

main().catch((error: unknown) => {
  console.error(
    `${SERVICE_NAME}: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
