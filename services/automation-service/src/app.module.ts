import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, RetentionModule, TenantDatabaseModule, deliveryPolicyOf } from '@crm/nest-common';
import { SERVICE_NAME, type AutomationConfig } from './config';
import { AUTOMATION_SCHEMA, dataSourceOptions } from './database/data-source';
import { automationRetentionRules, type AutomationRetentionConfig } from './retention';
import { ProtectionModule } from './protection/protection.module';
import { LiveModule } from './live/live.module';
import { FunnelsModule } from './metrics/funnels.module';
import { EngineModule } from './engine/engine.module';
import { RulesModule } from './rules/rules.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SendsModule } from './sends/sends.module';
import { TemplatesModule } from './templates/templates.module';

export type AppModuleConfig = Pick<AutomationConfig, 'DATABASE_URL' | 'NATS_URL' | 'SCHEDULER_POLL_MS'> &
  Partial<Pick<AutomationConfig, 'ENFORCE_DEFAULT_SEND_WINDOW'>> &
  Partial<
    Pick<
      AutomationConfig,
      'JETSTREAM_MAX_DELIVER' | 'JETSTREAM_BACKOFF_BASE_MS' | 'JETSTREAM_BACKOFF_MAX_MS' | 'REDIS_URL'
    >
  > &
  AutomationRetentionConfig &
  Partial<Pick<AutomationConfig, 'SEND_CLAIM_LEASE_MS' | 'SEND_CONCURRENCY' | 'SEND_PAUSE_RECHECK_MS'>>;

@Module({})
export class AppModule {
  static forRoot(config: AppModuleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(config.DATABASE_URL)),
        TenantDatabaseModule,
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          serviceName: SERVICE_NAME,
          delivery: deliveryPolicyOf(config),
          deadLetterSchema: AUTOMATION_SCHEMA,
        }),
        RulesModule,
        SendsModule,
        ProtectionModule.forRoot({ enforceDefaultSendWindow: config.ENFORCE_DEFAULT_SEND_WINDOW ?? true }),
        EngineModule,
        TemplatesModule,
        SchedulerModule.forRoot({
          SCHEDULER_POLL_MS: config.SCHEDULER_POLL_MS,
          SEND_CLAIM_LEASE_MS: config.SEND_CLAIM_LEASE_MS,
          SEND_CONCURRENCY: config.SEND_CONCURRENCY,
          SEND_PAUSE_RECHECK_MS: config.SEND_PAUSE_RECHECK_MS,
        }),
        LiveModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          natsUrl: config.NATS_URL,
          redisUrl: config.REDIS_URL ?? 'redis://127.0.0.1:6379',
        }),
        FunnelsModule,
        RetentionModule.forRoot({ schema: AUTOMATION_SCHEMA, rules: automationRetentionRules(config) }),
      ],
    };
  }
}

/**
 * `bootstrapHybridService` takes a module class, so wrap the configured dynamic module in one.
 * (Each call returns a new class: tests may boot several instances in one process.)
 */
export function createAppModule(config: AppModuleConfig): Type<unknown> {
  @Module({ imports: [AppModule.forRoot(config)] })
  class AutomationServiceModule {}
  return AutomationServiceModule;
}
