import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, RetentionModule, TenantDatabaseModule, deliveryPolicyOf } from '@crm/nest-common';
import { AdsModule } from './ads/ads.module';
import { MetaAdsConfig } from './config';
import { ConnectionModule } from './connection/connection.module';
import { ConversionsModule } from './conversions/conversions.module';
import { META_ADS_SCHEMA, dataSourceOptions } from './database/data-source';
import { LeadAdsModule } from './lead-ads/lead-ads.module';
import { metaAdsRetentionRules } from './retention';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WhatsappModule } from './whatsapp/whatsapp.module';

export const SERVICE_NAME = 'meta-ads-service';

/** Makes the validated config injectable everywhere (`constructor(config: MetaAdsConfig)`). */
@Global()
@Module({})
class ConfigHolderModule {
  static forRoot(config: MetaAdsConfig): DynamicModule {
    return {
      module: ConfigHolderModule,
      providers: [{ provide: MetaAdsConfig, useValue: config }],
      exports: [MetaAdsConfig],
    };
  }
}

export class AppModule {
  /** The root module for a validated config (a class, as `bootstrapHybridService` expects). */
  static forRoot(config: MetaAdsConfig): Type<unknown> {
    @Module({
      imports: [
        ConfigHolderModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.DATABASE_URL)),
        TenantDatabaseModule,
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          serviceName: SERVICE_NAME,
          delivery: deliveryPolicyOf(config),
          deadLetterSchema: META_ADS_SCHEMA,
        }),
        ConnectionModule,
        AdsModule,
        WhatsappModule,
        WebhooksModule,
        LeadAdsModule,
        ConversionsModule,
        RetentionModule.forRoot({ schema: META_ADS_SCHEMA, rules: metaAdsRetentionRules(config) }),
      ],
    })
    class MetaAdsAppModule {}
    return MetaAdsAppModule;
  }
}
