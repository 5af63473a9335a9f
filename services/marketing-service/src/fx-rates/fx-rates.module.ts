import { Module } from '@nestjs/common';
import { FxRateStore } from './fx-rate.store';
import { FxRatesController } from './fx-rates.controller';
import { FxRatesService } from './fx-rates.service';

@Module({ controllers: [FxRatesController], providers: [FxRateStore, FxRatesService] })
export class FxRatesModule {}
