import { Module } from '@nestjs/common';
import { FunnelsConsumers } from './funnels.consumers';
import { FunnelsController } from './funnels.controller';
import { FunnelsService } from './funnels.service';

/** `automation.metrics.funnels` and the lead outcomes (conversions, opt-outs) it reads. */
@Module({
  controllers: [FunnelsController],
  providers: [FunnelsService, FunnelsConsumers],
})
export class FunnelsModule {}
