import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GraphModule } from '../graph/graph.module';
import { AdEntity } from './ad.entity';
import { AdCatalogService } from './ad-catalog.service';
import { AdsController } from './ads.controller';
import { InsightsCacheEntity } from './insights-cache.entity';
import { InsightsService } from './insights.service';

@Module({
  imports: [GraphModule, TypeOrmModule.forFeature([AdEntity, InsightsCacheEntity])],
  controllers: [AdsController],
  providers: [AdCatalogService, InsightsService],
  exports: [AdCatalogService, InsightsService],
})
export class AdsModule {}
