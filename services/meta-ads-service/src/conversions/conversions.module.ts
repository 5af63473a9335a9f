import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { ConversionStore } from './conversion-store';
import { ConversionsController } from './conversions.controller';
import { ConversionsService } from './conversions.service';

@Module({
  imports: [GraphModule],
  controllers: [ConversionsController],
  providers: [ConversionStore, ConversionsService],
  /** The connection module wakes a tenant's held events after a reconnect. */
  exports: [ConversionsService],
})
export class ConversionsModule {}
