import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdsModule } from '../ads/ads.module';
import { ConnectionEntity } from '../connection/connection.entity';
import { GraphModule } from '../graph/graph.module';
import { WhatsappModule } from '../whatsapp/whatsapp.module';
import { WebhookReceiptEntity } from './webhook-receipt.entity';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [
    GraphModule,
    AdsModule,
    WhatsappModule,
    TypeOrmModule.forFeature([ConnectionEntity, WebhookReceiptEntity]),
  ],
  providers: [WebhooksService],
})
export class WebhooksModule {}
