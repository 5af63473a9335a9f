import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { SendsModule } from '../sends/sends.module';
import { ManualTrigger } from './manual-trigger';
import { RuleEngine } from './rule-engine';
import { RuleEngineConsumers } from './rule-engine.consumers';
import { RulesController } from './rules.controller';
import { TombstoneStore } from './tombstone-store';

/** Triggers → scheduled sends, cancellation, the manual trigger and its dry run, and the rules' RPC handlers. */
@Module({
  imports: [RulesModule, SendsModule],
  controllers: [RulesController],
  providers: [RuleEngine, RuleEngineConsumers, ManualTrigger, TombstoneStore],
})
export class EngineModule {}
