import { Module } from '@nestjs/common';
import { RuleFactsLoader } from './rule-facts';
import { RuleStore } from './rule-store';
import { RulesService } from './rules.service';
import { TemplatePreflight } from './template-preflight';

/** The rule model: storage, defaults of the built-in rules, CRUD and the pre-flight check against the template. */
@Module({
  providers: [RuleStore, RulesService, TemplatePreflight, RuleFactsLoader],
  exports: [RulesService, TemplatePreflight, RuleFactsLoader],
})
export class RulesModule {}
