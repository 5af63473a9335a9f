import type { INestApplication } from '@nestjs/common';
import { QueueGroups } from '@crm/contracts';
import { bootstrapHybridService } from '@crm/nest-common';
import { startCrmServiceProcess, startMetaAdsServiceProcess, type ServiceHandle } from '@crm/testing';
import { createAppModule, type AppModuleConfig } from '../app.module';

/**
 * marketing-service in this process (one replica of its NATS queue group) on the run's database and NATS: 30 s for
 * Meta insights, 10 s for other RPCs, 35 days of snapshots; `config` adds or overrides settings.
 */
export function startMarketingInProcess(config: Partial<AppModuleConfig> = {}): Promise<INestApplication> {
  return bootstrapHybridService({
    name: 'marketing-service',
    module: createAppModule({
      DATABASE_URL: process.env.DATABASE_URL!,
      NATS_URL: process.env.NATS_URL!,
      INSIGHTS_RPC_TIMEOUT_MS: 30_000,
      RPC_TIMEOUT_MS: 10_000,
      SNAPSHOT_RETENTION_DAYS: 35,
      ...config,
    }),
    natsUrl: process.env.NATS_URL!,
    queue: QueueGroups.marketing,
    httpPort: 0,
    logLevel: 'error',
  });
}

/**
 * What marketing-service talks to, as real processes: crm-service, and meta-ads-service with its Graph API at
 * `meta.graphUrl` as app `meta.appId`/`meta.appSecret` (`metaAdsEnv` adds variables). If one fails to start, the
 * other is stopped before the error is thrown.
 */
export async function startCrmAndMetaAds(
  meta: { graphUrl: string; appId: string; appSecret: string },
  metaAdsEnv: Record<string, string> = {},
): Promise<{ crm: ServiceHandle; metaAds: ServiceHandle }> {
  const [crm, metaAds] = await Promise.allSettled([
    startCrmServiceProcess(),
    startMetaAdsServiceProcess(meta, metaAdsEnv),
  ]);
  if (crm.status === 'fulfilled' && metaAds.status === 'fulfilled')
    return { crm: crm.value, metaAds: metaAds.value };
  await Promise.allSettled([crm, metaAds].flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : [])));
  throw [crm, metaAds].find((s): s is PromiseRejectedResult => s.status === 'rejected')!.reason;
}
