import { Module } from '@nestjs/common';
import { OutboxService, outboxProvider } from '@crm/nest-common';
import { META_ADS_SCHEMA } from '../database/data-source';
import { GraphModule } from '../graph/graph.module';
import { SendPacer } from './send-pacer';
import { SendsService } from './sends.service';
import { TemplateMediaService } from './template-media.service';
import { TemplateSyncScheduler } from './template-sync.scheduler';
import { TemplatesService } from './templates.service';
import { WhatsappController } from './whatsapp.controller';

@Module({
  imports: [GraphModule],
  controllers: [WhatsappController],
  providers: [
    // The one outbox relay of the service (webhook events and template status changes); WebhooksModule uses it.
    outboxProvider({ schema: META_ADS_SCHEMA, name: 'meta-ads-service.outbox' }),
    TemplatesService,
    TemplateMediaService,
    TemplateSyncScheduler,
    SendsService,
    SendPacer,
  ],
  exports: [TemplatesService, SendsService, OutboxService],
})
export class WhatsappModule {}
