import { Module, type DynamicModule } from '@nestjs/common';
import { ReadModelModule } from '../read-model/read-model.module';
import type { ReadModelSettings } from '../read-model/read-model.settings';
import { ReportFactsStore } from './report-facts.store';
import { ReportSnapshotStore } from './report-snapshot.store';
import { ReportingController } from './reporting.controller';
import { ReportingService } from './reporting.service';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings';

@Module({})
export class ReportingModule {
  static forRoot(settings: ReportingSettings, readModel: ReadModelSettings): DynamicModule {
    return {
      module: ReportingModule,
      imports: [ReadModelModule.forRoot(readModel)],
      controllers: [ReportingController],
      providers: [
        { provide: REPORTING_SETTINGS, useValue: settings },
        ReportSnapshotStore,
        ReportFactsStore,
        ReportingService,
      ],
    };
  }
}
