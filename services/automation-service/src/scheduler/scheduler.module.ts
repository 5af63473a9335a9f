import { Module, type DynamicModule } from '@nestjs/common';
import { SCHEDULER_SETTINGS, type SchedulerSettings } from '../config';
import { RulesModule } from '../rules/rules.module';
import { SendsModule } from '../sends/sends.module';
import { TemplatesModule } from '../templates/templates.module';
import { SchedulerService } from './scheduler.service';
import { RecipientGuard } from '../protection/recipient-guard';
import { SendPreparer } from './send-preparer';
import { SendProcessor } from './send-processor';

@Module({})
export class SchedulerModule {
  static forRoot(settings: SchedulerSettings): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [RulesModule, SendsModule, TemplatesModule],
      providers: [
        { provide: SCHEDULER_SETTINGS, useValue: settings },
        SendPreparer,
        RecipientGuard,
        SendProcessor,
        SchedulerService,
      ],
      exports: [SchedulerService],
    };
  }
}
