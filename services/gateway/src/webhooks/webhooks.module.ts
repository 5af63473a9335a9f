import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller';

/** Meta webhooks: verification handshake and signed deliveries stored on JetStream. */
@Module({ controllers: [WebhooksController] })
export class WebhooksModule {}
