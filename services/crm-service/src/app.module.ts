import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, TenantDatabaseModule } from '@crm/nest-common';
import { AttributionModule } from './attribution/attribution.module';
import { SERVICE_NAME, type CrmConfig } from './config';
import { dataSourceOptions } from './database/data-source';
import { StoresModule } from './database/stores.module';
import { InboundModule } from './inbound/inbound.module';
import { LeadsModule } from './leads/leads.module';
import { OutboxModule } from './outbox/outbox.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { TenancyModule } from './tenancy/tenancy.module';

@Module({})
export class AppModule {
  static forRoot(config: Pick<CrmConfig, 'DATABASE_URL' | 'NATS_URL'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(config.DATABASE_URL)),
        TenantDatabaseModule,
        StoresModule,
        MessagingModule.forRoot({ natsUrl: config.NATS_URL, serviceName: SERVICE_NAME }),
        OutboxModule,
        TenancyModule,
        PipelineModule,
        LeadsModule,
        AttributionModule,
        InboundModule,
      ],
    };
  }
}

/**
 * `bootstrapHybridService` takes a module class, so wrap the configured dynamic module in one.
 * (Each call returns a new class: tests may boot several instances in one process.)
 */
export function createAppModule(config: Pick<CrmConfig, 'DATABASE_URL' | 'NATS_URL'>): Type<unknown> {
  @Module({ imports: [AppModule.forRoot(config)] })
  class CrmServiceModule {}
  return CrmServiceModule;
}
