import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, RetentionModule, TenantDatabaseModule, deliveryPolicyOf } from '@crm/nest-common';
import { SERVICE_NAME, type MarketingConfig } from './config';
import { MARKETING_SCHEMA, dataSourceOptions } from './database/data-source';
import { FxRatesModule } from './fx-rates/fx-rates.module';
import type { ReadModelSettings } from './read-model/read-model.settings';
import { ReportingModule } from './reporting/reporting.module';
import { marketingRetentionRules } from './retention';

export type AppModuleConfig = Pick<
  MarketingConfig,
  'DATABASE_URL' | 'NATS_URL' | 'INSIGHTS_RPC_TIMEOUT_MS' | 'RPC_TIMEOUT_MS' | 'SNAPSHOT_RETENTION_DAYS'
> &
  Partial<
    Pick<
      MarketingConfig,
      | 'READ_MODEL_LOCK_TIMEOUT_MS'
      | 'REBUILD_PAGE_SIZE'
      | 'READ_MODEL_INLINE_BUILD_MAX_LEADS'
      | 'READ_MODEL_BUILD_POLL_MS'
      | 'JETSTREAM_MAX_DELIVER'
      | 'JETSTREAM_BACKOFF_BASE_MS'
      | 'JETSTREAM_BACKOFF_MAX_MS'
      | 'RETENTION_DEAD_LETTERS_DAYS'
      | 'REPORT_CACHE_MAX_MB'
    >
  > & { now?: () => Date };

/** The read model's settings from the service config (defaults for what a test leaves out). */
export function readModelSettingsOf(config: AppModuleConfig): ReadModelSettings {
  return {
    rpcTimeoutMs: config.RPC_TIMEOUT_MS,
    lockTimeoutMs: config.READ_MODEL_LOCK_TIMEOUT_MS ?? 10_000,
    rebuildPageSize: config.REBUILD_PAGE_SIZE ?? 1000,
    inlineBuildMaxLeads: config.READ_MODEL_INLINE_BUILD_MAX_LEADS ?? 20_000,
    buildPollMs: config.READ_MODEL_BUILD_POLL_MS ?? 60_000,
  };
}

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
          deadLetterSchema: MARKETING_SCHEMA,
        }),
        ReportingModule.forRoot(
          {
            insightsTimeoutMs: config.INSIGHTS_RPC_TIMEOUT_MS,
            rpcTimeoutMs: config.RPC_TIMEOUT_MS,
            snapshotRetentionDays: config.SNAPSHOT_RETENTION_DAYS,
            cacheMaxBytes: (config.REPORT_CACHE_MAX_MB ?? 32) * 1024 * 1024,
            now: config.now ?? (() => new Date()),
          },
          readModelSettingsOf(config),
        ),
        FxRatesModule,
        RetentionModule.forRoot({ schema: MARKETING_SCHEMA, rules: marketingRetentionRules(config) }),
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
  class MarketingServiceModule {}
  return MarketingServiceModule;
}
