import { Module } from '@nestjs/common';
import { ConversionsController } from './conversions.controller';
import { FxRatesController } from './fx-rates.controller';
import { LeadAdsController } from './lead-ads.controller';
import { MarketingController } from './marketing.controller';

@Module({ controllers: [MarketingController, LeadAdsController, ConversionsController, FxRatesController] })
export class MarketingModule {}
