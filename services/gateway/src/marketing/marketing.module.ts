import { Module } from '@nestjs/common';
import { ConversionsController } from './conversions.controller';
import { LeadAdsController } from './lead-ads.controller';
import { MarketingController } from './marketing.controller';

@Module({ controllers: [MarketingController, LeadAdsController, ConversionsController] })
export class MarketingModule {}
