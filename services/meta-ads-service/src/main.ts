import 'reflect-metadata';
import { QueueGroups } from '@crm/contracts';
import { runService } from '@crm/nest-common';
import { AppModule, SERVICE_NAME } from './app.module';
import { MetaAdsConfig } from './config';

runService({
  name: SERVICE_NAME,
  config: MetaAdsConfig,
  queue: QueueGroups.metaAds,
  module: (config) => AppModule.forRoot(config),
});
