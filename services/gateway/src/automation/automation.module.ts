import { Module } from '@nestjs/common';
import { AutomationLiveController, LiveNats } from './automation-live.controller';
import { AutomationMetricsController } from './automation-metrics.controller';
import { AutomationController } from './automation.controller';
import { ProtectionController } from './protection.controller';
import { TemplatesController } from './templates.controller';

@Module({
  controllers: [
    AutomationController,
    ProtectionController,
    TemplatesController,
    AutomationLiveController,
    AutomationMetricsController,
  ],
  providers: [LiveNats],
})
export class AutomationModule {}
