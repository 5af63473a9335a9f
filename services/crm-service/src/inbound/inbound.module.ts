import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { InboundConsumers } from './inbound.consumers';
import { InboundService } from './inbound.service';

@Module({ imports: [OutboxModule], providers: [InboundService, InboundConsumers] })
export class InboundModule {}
