import { Module } from '@nestjs/common';
import { AdsModule } from '../ads/ads.module';
import { GraphModule } from '../graph/graph.module';
import { WhatsappModule } from '../whatsapp/whatsapp.module';
import { HeldWebhookReplay } from './held-webhook-replay';
import { HeldWebhooksStore } from './held-webhooks.store';
import { FormStore } from '../lead-ads/form-store';
import { PageStore } from '../lead-ads/page-store';
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
    HeldWebhooksStore,
    HeldWebhookReplay,
    PageStore,
    FormStore,
  ],
  /**
   * The connection module retries a tenant's pending leads after a reconnect and reports how many wait; records the
   * assets a disconnect releases and replays the webhooks kept for them after a reconnect. The Lead Ads module stores
   * the Pages webhooks are routed by and the forms whose mapping reads the leads.
   */
  exports: [LeadgenService, HeldWebhooksStore, HeldWebhookReplay, PageStore, FormStore],
})
export class WebhooksModule {}
