import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Events, QueueGroups } from '@crm/contracts';
import { bootstrapHybridService, type JetStreamService } from '@crm/nest-common';
import {
  startCrmServiceProcess,
  startMetaAdsServiceProcess,
  waitFor,
  type ServiceHandle,
} from '@crm/testing';
import type { Client } from 'pg';
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

/** A CRM tenant and its ceo, written with SQL (`db`: the owner's connection). */
export type SeededCrmTenant = { tenantId: string; ceoId: string };

export async function seedTenantWithCeo(
  db: Client,
  { name, currency, timezone }: { name: string; currency: string; timezone: string },
): Promise<SeededCrmTenant> {
  const tenantId = randomUUID();
  const ceoId = randomUUID();
  await db.query(`INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, $3, $4)`, [
    tenantId,
    name,
    currency,
    timezone,
  ]);
  await db.query(
    `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, 'CEO', 'ceo', 'x')`,
    [ceoId, tenantId, `ceo-${tenantId}@example.com`],
  );
  return { tenantId, ceoId };
}

let leadgenSeq = 0;

/**
 * A Lead Ads lead from `phone` as meta-ads-service announces it (attributed to `adId` unless null); crm-service
 * creates the lead and emits `lead.created`. Resolves with the lead's id once crm-service has it.
 */
export async function publishLeadAdsLead(
  db: Client,
  jetstream: JetStreamService,
  tenantId: string,
  adId: string | null,
  phone: string,
): Promise<string> {
  const leadgenId = `${Date.now()}${++leadgenSeq}`;
  await jetstream.publish(
    Events.leadgenReceived,
    {
      tenantId,
      leadgenId,
      pageId: '1000',
      createdTime: new Date().toISOString(),
      fullName: `Lead ${leadgenSeq}`,
      phone,
      ...(adId ? { attribution: { adId } } : {}),
    },
    `leadgen:${leadgenId}`,
  );
  return waitFor(
    async () => {
      const rows = await db.query(`SELECT id FROM crm.leads WHERE tenant_id = $1 AND phone = $2`, [
        tenantId,
        phone,
      ]);
      return (rows.rows[0] as { id: string } | undefined)?.id;
    },
    { what: `lead ${phone}` },
  );
}
