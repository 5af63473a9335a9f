import 'reflect-metadata';
import { QueueGroups } from '@crm/contracts';
import { runService } from '@crm/nest-common';
import { createAppModule } from './app.module';
import { AutomationConfig, SERVICE_NAME } from './config';

runService({
  name: SERVICE_NAME,
  config: AutomationConfig,
  queue: QueueGroups.automation,
  module: (config) => createAppModule(config),
});
