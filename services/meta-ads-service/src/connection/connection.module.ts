import { Module } from '@nestjs/common';
import { AdsModule } from '../ads/ads.module';
import { ConversionsModule } from '../conversions/conversions.module';
import { GraphModule } from '../graph/graph.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { WhatsappModule } from '../whatsapp/whatsapp.module';
import { ConnectionController } from './connection.controller';
import { ConnectionService } from './connection.service';
import { TokenCheckScheduler } from './token-check.scheduler';

@Module({
  imports: [GraphModule, AdsModule, WhatsappModule, WebhooksModule, ConversionsModule],
  controllers: [ConnectionController],
  providers: [ConnectionService, TokenCheckScheduler],
})
export class ConnectionModule {}
