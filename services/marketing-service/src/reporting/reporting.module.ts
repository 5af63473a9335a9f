import { Module, type DynamicModule } from '@nestjs/common';
import { ReportSnapshotStore } from './report-snapshot.store';
import { ReportingController } from './reporting.controller';
import { ReportingService } from './reporting.service';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings';

@Module({})
export class ReportingModule {
  static forRoot(settings: ReportingSettings): DynamicModule {
    return {
      module: ReportingModule,
      controllers: [ReportingController],
      providers: [{ provide: REPORTING_SETTINGS, useValue: settings }, ReportSnapshotStore, ReportingService],
    };
  }
}
