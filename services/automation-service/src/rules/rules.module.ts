import { Module } from '@nestjs/common';
import { RuleStore } from './rule-store';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

@Module({ controllers: [RulesController], providers: [RuleStore, RulesService], exports: [RulesService] })
export class RulesModule {}
