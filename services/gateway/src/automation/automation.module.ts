import { Module } from '@nestjs/common';
import { AutomationLiveController, LiveNats } from './automation-live.controller';
import { AutomationMetricsController } from './automation-metrics.controller';
import { AutomationController } from './automation.controller';

@Module({
  controllers: [AutomationController, AutomationLiveController, AutomationMetricsController],
  providers: [LiveNats],
})
export class AutomationModule {}
