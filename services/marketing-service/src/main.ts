import 'reflect-metadata';
import { QueueGroups } from '@crm/contracts';
import { runService } from '@crm/nest-common';
import { createAppModule } from './app.module';
import { MarketingConfig, SERVICE_NAME } from './config';

runService({
  name: SERVICE_NAME,
  config: MarketingConfig,
  queue: QueueGroups.marketing,
  module: (config) => createAppModule(config),
});
