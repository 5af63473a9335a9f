import { Module } from '@nestjs/common';
import { AutomationLiveController, LiveNats } from './automation-live.controller';
import { AutomationMetricsController } from './automation-metrics.controller';
import { AutomationController } from './automation.controller';
import { ProtectionController } from './protection.controller';

@Module({
  controllers: [
    AutomationController,
    ProtectionController,
    AutomationLiveController,
    AutomationMetricsController,
  ],
  providers: [LiveNats],
})
export class AutomationModule {}
