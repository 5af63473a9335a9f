import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { SalesController } from './sales.controller';
import { SalesService } from './sales.service';

@Module({ imports: [OutboxModule], controllers: [SalesController], providers: [SalesService] })
export class SalesModule {}
