import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { SendStore } from './send-store';
import { SendsConsumers } from './sends.consumers';
import { SendsController } from './sends.controller';
import { SendsService } from './sends.service';

@Module({
  imports: [RulesModule],
  controllers: [SendsController],
  providers: [SendStore, SendsService, SendsConsumers],
  exports: [SendStore],
})
export class SendsModule {}
