import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdsModule } from '../ads/ads.module';
import { GraphModule } from '../graph/graph.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { WhatsappModule } from '../whatsapp/whatsapp.module';
import { ConnectionController } from './connection.controller';
import { ConnectionEntity } from './connection.entity';
import { ConnectionService } from './connection.service';
import { OauthStateEntity } from './oauth-state.entity';

@Module({
  imports: [
    GraphModule,
    AdsModule,
    WhatsappModule,
    WebhooksModule,
    TypeOrmModule.forFeature([ConnectionEntity, OauthStateEntity]),
  ],
  controllers: [ConnectionController],
  providers: [ConnectionService],
})
export class ConnectionModule {}
