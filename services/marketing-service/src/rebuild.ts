import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule, TenantDatabaseModule, loadConfigOrExit } from '@crm/nest-common';
import { readModelSettingsOf } from './app.module';
import { MarketingConfig, SERVICE_NAME } from './config';
import { dataSourceOptions } from './database/data-source';
import { ReadModelModule } from './read-model/read-model.module';
import { ReadModelService } from './read-model/read-model.service';

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
  try {
    let last = 0;
    const result = await app.get(ReadModelService).rebuild(tenantId, {
      onPage: (leads) => {
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
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(
    `marketing-service: rebuild failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
