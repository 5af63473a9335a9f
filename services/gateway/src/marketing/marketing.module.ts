import { Module } from '@nestjs/common';
import { ConversionsController } from './conversions.controller';
import { MarketingController } from './marketing.controller';

@Module({ controllers: [MarketingController, ConversionsController] })
export class MarketingModule {}
