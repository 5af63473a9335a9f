import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, RetentionModule, TenantDatabaseModule, deliveryPolicyOf } from '@crm/nest-common';
import { AttributionModule } from './attribution/attribution.module';
import { ChatsModule } from './chats/chats.module';
import { ClientsModule } from './clients/clients.module';
import { SERVICE_NAME, type CrmConfig } from './config';
import { DashboardModule } from './dashboard/dashboard.module';
import { CRM_SCHEMA, dataSourceOptions } from './database/data-source';
import { StoresModule } from './database/stores.module';
import { InboundModule } from './inbound/inbound.module';
import { Lead360Module } from './lead-360/lead-360.module';
import { LeadImportsModule } from './lead-imports/lead-imports.module';
import { LeadsModule } from './leads/leads.module';
import { OpportunitiesModule } from './opportunities/opportunities.module';
import { OutboxModule } from './outbox/outbox.module';
import { PeopleModule } from './people/people.module';
import { SessionsModule } from './sessions/sessions.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { crmRetentionRules, type CrmRetentionConfig } from './retention';
import { SalesModule } from './sales/sales.module';
import { TenancyModule } from './tenancy/tenancy.module';

/** What the app module needs; the delivery settings default when left out (tests). */
export type CrmAppConfig = Pick<CrmConfig, 'DATABASE_URL' | 'NATS_URL'> &
  Partial<
    Pick<CrmConfig, 'JETSTREAM_MAX_DELIVER' | 'JETSTREAM_BACKOFF_BASE_MS' | 'JETSTREAM_BACKOFF_MAX_MS'>
  > &
  CrmRetentionConfig;

@Module({})
export class AppModule {
  static forRoot(config: CrmAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(config.DATABASE_URL)),
        TenantDatabaseModule,
        StoresModule,
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          serviceName: SERVICE_NAME,
          delivery: deliveryPolicyOf(config),
          deadLetterSchema: CRM_SCHEMA,
        }),
        OutboxModule,
        TenancyModule,
        PeopleModule,
        SessionsModule,
        PipelineModule,
        LeadsModule,
        LeadImportsModule,
        OpportunitiesModule,
        SalesModule,
        ClientsModule,
        AttributionModule,
        DashboardModule,
        InboundModule,
        Lead360Module,
        ChatsModule,
        RetentionModule.forRoot({ schema: CRM_SCHEMA, rules: crmRetentionRules(config) }),
      ],
    };
  }
}

/**
 * `bootstrapHybridService` takes a module class, so wrap the configured dynamic module in one.
 * (Each call returns a new class: tests may boot several instances in one process.)
 */
export function createAppModule(config: CrmAppConfig): Type<unknown> {
  @Module({ imports: [AppModule.forRoot(config)] })
  class CrmServiceModule {}
  return CrmServiceModule;
}
