import { Module } from '@nestjs/common';
import { FxRatesController } from './fx-rates.controller';
import { MarketingController } from './marketing.controller';

@Module({ controllers: [MarketingController, FxRatesController] })
export class MarketingModule {}
