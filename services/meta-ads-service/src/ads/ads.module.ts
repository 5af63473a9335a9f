import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { AdCatalogService } from './ad-catalog.service';
import { AdsController } from './ads.controller';
import { InsightsFillLock } from './insights-fill-lock';
import { InsightsReportRuns } from './insights-report-run';
import { InsightsService } from './insights.service';

@Module({
  imports: [GraphModule],
  controllers: [AdsController],
  providers: [AdCatalogService, InsightsFillLock, InsightsService, InsightsReportRuns],
  exports: [AdCatalogService, InsightsService],
})
export class AdsModule {}
