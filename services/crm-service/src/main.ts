import 'reflect-metadata';
import { QueueGroups } from '@crm/contracts';
import { runService } from '@crm/nest-common';
import { createAppModule } from './app.module';
import { CrmConfig, SERVICE_NAME } from './config';

runService({
  name: SERVICE_NAME,
  config: CrmConfig,
  queue: QueueGroups.crm,
  module: (config) => createAppModule(config),
});
