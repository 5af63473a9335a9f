import 'reflect-metadata';
import { hostname } from 'node:os';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, TenantDatabase, TenantDatabaseModule, loadConfigOrExit } from '@crm/nest-common';
import { readModelSettingsOf } from './app.module';
import { MarketingConfig, SERVICE_NAME } from './config';
import { dataSourceOptions } from './database/data-source';
import { BUILD_LEASE_MS } from './read-model/read-model.builder';
import { ReadModelModule } from './read-model/read-model.module';
import { ReadModelService } from './read-model/read-model.service';
import { ReadModelStore } from './read-model/read-model.store';

const USAGE = 'usage: npm run rebuild:marketing -- <tenant uuid>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `npm run rebuild:marketing -- <tenantId>`: replay one tenant's Meta leads, opportunities and sales from crm-service
 * (`crm.attribution.facts`, keyset pages over NATS, `REBUILD_PAGE_SIZE` leads each, one page in memory at a time)
 * into the read model, then recompute its facts (see ReadModelService.rebuild). The running services keep consuming events meanwhile; this process consumes none.
 * Needs DATABASE_URL (the app role) and NATS_URL, with crm-service and meta-ads-service running.
 */
async function main(): Promise<void> {
  const tenantId = process.argv[2];
  if (!tenantId || !UUID.test(tenantId)) throw new Error(USAGE);
  const config = loadConfigOrExit(SERVICE_NAME, MarketingConfig);

  @Module({
    imports: [
      TypeOrmModule.forRoot(dataSourceOptions(config.DATABASE_URL)),
      TenantDatabaseModule,
      MessagingModule.forRoot({ natsUrl: config.NATS_URL, serviceName: `${SERVICE_NAME}-rebuild` }),
      ReadModelModule.forRoot(readModelSettingsOf(config), { consume: false }),
    ],
  })
  class RebuildModule {}

  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error', 'warn'] });
  const db = app.get(TenantDatabase);
  const store = app.get(ReadModelStore);
  const readModel = app.get(ReadModelService);
  // A never-built tenant is also work for the services' background build (ReadModelBuilder): hold the same lease,
  // so that one build runs at a time and the services do not start a second one beside this.
  const owner = `rebuild-command:${hostname()}:${process.pid}`;
  const state = await db.withTenant(tenantId, (tx) => store.tenantState(tx, tenantId));
  let leased = false;
  if (!state?.rebuiltAt) {
    const timezone = state?.timezone ?? (await readModel.resolveTimezone(tenantId));
    leased = await db.withTenant(tenantId, (tx) =>
      store.claimBuild(tx, tenantId, timezone, owner, BUILD_LEASE_MS),
    );
    if (!leased) {
      await app.close();
      throw new Error(
        'a marketing-service replica is building this tenant now; wait until its report loads (or its lease expires) and run this again',
      );
    }
  }
  try {
    let last = 0;
    const result = await readModel.rebuild(tenantId, {
      onPage: async (leads) => {
        if (leased) {
          const held = await db.withTenant(tenantId, (tx) =>
            store.renewBuild(tx, tenantId, owner, leads, BUILD_LEASE_MS),
          );
          if (!held) throw new Error('the build lease was lost (a marketing-service replica took it over)');
        }
        if (leads - last >= 50_000) {
          last = leads;
          console.log(`marketing-service: stored ${leads.toLocaleString('en')} leads…`);
        }
      },
    });
    console.log(
      `marketing-service: tenant ${tenantId} rebuilt in ${(result.ms / 1000).toFixed(1)} s: ` +
        `${result.leads} leads, ${result.opportunities} opportunities, ${result.sales} sales → ${result.facts} daily rows`,
    );
  } finally {
    if (leased) {
      await db
        .withTenant(tenantId, (tx) => store.releaseBuild(tx, tenantId, owner))
        .catch((error: unknown) =>
          console.error(`marketing-service: could not release the build lease: ${String(error)}`),
        );
    }
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(
    `marketing-service: rebuild failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
