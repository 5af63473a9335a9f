import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module';
import { OutboxModule } from '../outbox/outbox.module';
import { InboundConsumers } from './inbound.consumers';
import { InboundService } from './inbound.service';

@Module({ imports: [OutboxModule, LeadsModule], providers: [InboundService, InboundConsumers] })
export class InboundModule {}
