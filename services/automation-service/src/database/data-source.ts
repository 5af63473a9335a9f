import { schemaDataSourceOptions } from '@crm/nest-common';
import type { DataSourceOptions } from 'typeorm';
import { AUTOMATION_ENTITIES } from './entities';
import { CreateAutomationTables1767225600300 } from './migrations/1767225600300-CreateAutomationTables';
import { TenantRowLevelSecurity1767312000300 } from './migrations/1767312000300-TenantRowLevelSecurity';
import { DeadLetters1767398400300 } from './migrations/1767398400300-DeadLetters';
import { SendStatesAndRuleKeys1768000000300 } from './migrations/1768000000300-SendStatesAndRuleKeys';
import { RuleEngine1768100000000 } from './migrations/1768100000000-RuleEngine';
import { SendLeasesAndPauses1768200000000 } from './migrations/1768200000000-SendLeasesAndPauses';
import { TemplateStates1768300000000 } from './migrations/1768300000000-TemplateStates';
import { RecipientProtection1768400100000 } from './migrations/1768400100000-RecipientProtection';
import { LiveSendEventsAndLeadOutcomes1768500000000 } from './migrations/1768500000000-LiveSendEventsAndLeadOutcomes';
import { LeadStatusTombstones1768600000000 } from './migrations/1768600000000-LeadStatusTombstones';
import { SendAnchors1768600000001 } from './migrations/1768600000001-SendAnchors';
import { RuleLimitMarks1768600000002 } from './migrations/1768600000002-RuleLimitMarks';
import { RetentionSchedule1768900000300 } from './migrations/1768900000300-RetentionSchedule';
import { SendFunnelColumns1768900000310 } from './migrations/1768900000310-SendFunnelColumns';
import { SendCounts1768900000311 } from './migrations/1768900000311-SendCounts';

export const AUTOMATION_SCHEMA = 'automation';

export function dataSourceOptions(url: string): DataSourceOptions {
  return schemaDataSourceOptions({
    url,
    schema: AUTOMATION_SCHEMA,
    entities: AUTOMATION_ENTITIES,
    migrations: [
      CreateAutomationTables1767225600300,
      TenantRowLevelSecurity1767312000300,
      DeadLetters1767398400300,
      SendStatesAndRuleKeys1768000000300,
      RuleEngine1768100000000,
      SendLeasesAndPauses1768200000000,
      TemplateStates1768300000000,
      RecipientProtection1768400100000,
      LiveSendEventsAndLeadOutcomes1768500000000,
      LeadStatusTombstones1768600000000,
      SendAnchors1768600000001,
      RuleLimitMarks1768600000002,
      RetentionSchedule1768900000300,
      SendFunnelColumns1768900000310,
      SendCounts1768900000311,
    ],
    applicationName: 'automation-service',
  });
}
