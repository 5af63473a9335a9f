import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { QueueGroups } from '@crm/contracts';
import { runService } from '@crm/nest-common';
import { createAppModule } from './app.module';
import { AutomationConfig, SERVICE_NAME, deprecatedSettingsIn } from './config';

for (const warning of deprecatedSettingsIn(process.env)) new Logger(SERVICE_NAME).warn(warning);

runService({
  name: SERVICE_NAME,
  config: AutomationConfig,
  queue: QueueGroups.automation,
  module: (config) => createAppModule(config),
});
