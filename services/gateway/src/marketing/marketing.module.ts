import { Module } from '@nestjs/common';
import { LeadAdsController } from './lead-ads.controller';
import { MarketingController } from './marketing.controller';

@Module({ controllers: [MarketingController, LeadAdsController] })
export class MarketingModule {}
