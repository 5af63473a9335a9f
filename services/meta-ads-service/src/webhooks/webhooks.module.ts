import { Module } from '@nestjs/common';
import { AdsModule } from '../ads/ads.module';
import { GraphModule } from '../graph/graph.module';
import { WhatsappModule } from '../whatsapp/whatsapp.module';
import { LeadgenService } from './leadgen.service';
import { WebhookEvents } from './webhook-events';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [GraphModule, AdsModule, WhatsappModule],
  providers: [
    // OutboxService comes from WhatsappModule (one relay per service).
    WebhookEvents,
    LeadgenService,
    WebhooksService,
  ],
  /** The connection module retries a tenant's pending leads after a reconnect and reports how many wait. */
  exports: [LeadgenService],
})
export class WebhooksModule {}
