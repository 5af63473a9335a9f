import { Module } from '@nestjs/common';
import { AutomationLiveController, LiveNats } from './automation-live.controller';
import { AutomationMetricsController } from './automation-metrics.controller';
import { AutomationController } from './automation.controller';
import { ProtectionController } from './protection.controller';
import { TemplateMediaSamples } from './template-media-samples';
import { TemplatesController } from './templates.controller';

@Module({
  controllers: [
    AutomationController,
    ProtectionController,
    TemplatesController,
    AutomationLiveController,
    AutomationMetricsController,
  ],
  providers: [LiveNats, TemplateMediaSamples],
})
export class AutomationModule {}
