import { Module, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MessagingModule } from '@crm/nest-common';
import { AuthModule } from './auth/auth.module';
import { AutomationModule } from './automation/automation.module';
import { ChatsModule } from './chats/chats.module';
import { GatewayConfigModule } from './config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { SERVICE_NAME, type GatewayConfig } from './config';
import { CrossSiteGuard } from './http/cross-site.guard';
import { LeadsModule } from './leads/leads.module';
import { MarketingModule } from './marketing/marketing.module';
import { MetaOauthModule } from './meta-oauth/meta-oauth.module';
import { PeopleModule } from './people/people.module';
import { OpportunitiesModule } from './opportunities/opportunities.module';
import { ClientsModule } from './clients/clients.module';
import { SalesModule } from './sales/sales.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * The gateway's module for one config. Each call returns a new class so tests can boot several gateways
 * (with different settings) in one process.
 */
export function createAppModule(config: GatewayConfig): Type<unknown> {
  @Module({
    imports: [
      GatewayConfigModule.forRoot(config),
      MessagingModule.forRoot({ natsUrl: config.NATS_URL, serviceName: SERVICE_NAME }),
      AuthModule.forRoot(config),
      MetaOauthModule,
      WebhooksModule,
      LeadsModule,
      OpportunitiesModule,
      ClientsModule,
      SalesModule,
      MarketingModule,
      AutomationModule,
      PeopleModule,
      DashboardModule,
      ChatsModule,
    ],
    // The root module's global guards run before those of imported modules: a forged request is refused before
    // the session and role guards look at it.
    providers: [{ provide: APP_GUARD, useClass: CrossSiteGuard }],
  })
  class GatewayModule {}
  return GatewayModule;
}
