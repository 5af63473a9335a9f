import { schemaDataSourceOptions } from '@crm/nest-common';
import type { DataSourceOptions } from 'typeorm';
import { CreateCrmTables1767225600000 } from './migrations/1767225600000-CreateCrmTables';
import { TenantRowLevelSecurity1767312000000 } from './migrations/1767312000000-TenantRowLevelSecurity';
import { DurableMessagingTables1767398400000 } from './migrations/1767398400000-DurableMessagingTables';
import { OpportunityLifecycle1767484800000 } from './migrations/1767484800000-OpportunityLifecycle';
import { TenantSettingsAndActiveUsers1767484810000 } from './migrations/1767484810000-TenantSettingsAndActiveUsers';
import { LeadTeamwork1767491400000 } from './migrations/1767491400000-LeadTeamwork';
import { LeadActivity1767600000000 } from './migrations/1767600000000-LeadActivity';
import { LeadImports1767800000000 } from './migrations/1767800000000-LeadImports';
import { LeadSearchTable1767950000000 } from './migrations/1767950000000-LeadSearchTable';
import { OpportunityTotals1767950010000 } from './migrations/1767950010000-OpportunityTotals';
import { OpportunityLeadSeller1767950020000 } from './migrations/1767950020000-OpportunityLeadSeller';
import { LeadDayCounts1767960000000 } from './migrations/1767960000000-LeadDayCounts';
import { SaleSellers1767960010000 } from './migrations/1767960010000-SaleSellers';
import { LeadSearchPage1767970000000 } from './migrations/1767970000000-LeadSearchPage';
import { DropRedundantLeadIndexes1767970010000 } from './migrations/1767970010000-DropRedundantLeadIndexes';
import { WhatsappChats1767700000000 } from './migrations/1767700000000-WhatsappChats';
import { OptOutSettings1768400000000 } from './migrations/1768400000000-OptOutSettings';
import { UserPhone1768630000000 } from './migrations/1768630000000-UserPhone';
import { LeadAdsEmailOnlyLeads1768740000000 } from './migrations/1768740000000-LeadAdsEmailOnlyLeads';
import { Sessions1768900000000 } from './migrations/1768900000000-Sessions';
import { RetentionSchedule1768900000100 } from './migrations/1768900000100-RetentionSchedule';
import { SessionLastSeen1768900000120 } from './migrations/1768900000120-SessionLastSeen';
import { LeadsAssignedNameIndex1768900000170 } from './migrations/1768900000170-LeadsAssignedNameIndex';
import { AssigneeLeadLists1768900000180 } from './migrations/1768900000180-AssigneeLeadLists';
import { LeadSearchTags1768900000190 } from './migrations/1768900000190-LeadSearchTags';
import { LeadTags1768900000195 } from './migrations/1768900000195-LeadTags';
import { LeadDayCountsLinearUpdate1768900000196 } from './migrations/1768900000196-LeadDayCountsLinearUpdate';
import { TaggedLeadPage1768900000197 } from './migrations/1768900000197-TaggedLeadPage';
import { AccessChanges1768900000198 } from './migrations/1768900000198-AccessChanges';

export const CRM_SCHEMA = 'crm';

export function dataSourceOptions(url: string): DataSourceOptions {
  return schemaDataSourceOptions({
    url,
    schema: CRM_SCHEMA,
    // No entities: each table's SQL and row type live in its store (leads/lead-store.ts, …).
    entities: [],
    migrations: [
      CreateCrmTables1767225600000,
      TenantRowLevelSecurity1767312000000,
      DurableMessagingTables1767398400000,
      OpportunityLifecycle1767484800000,
      TenantSettingsAndActiveUsers1767484810000,
      LeadTeamwork1767491400000,
      LeadActivity1767600000000,
      LeadImports1767800000000,
      LeadSearchTable1767950000000,
      OpportunityTotals1767950010000,
      OpportunityLeadSeller1767950020000,
      LeadDayCounts1767960000000,
      SaleSellers1767960010000,
      LeadSearchPage1767970000000,
      DropRedundantLeadIndexes1767970010000,
      WhatsappChats1767700000000,
      OptOutSettings1768400000000,
      UserPhone1768630000000,
      LeadAdsEmailOnlyLeads1768740000000,
      Sessions1768900000000,
      RetentionSchedule1768900000100,
      SessionLastSeen1768900000120,
      LeadsAssignedNameIndex1768900000170,
      AssigneeLeadLists1768900000180,
      LeadSearchTags1768900000190,
      LeadTags1768900000195,
      LeadDayCountsLinearUpdate1768900000196,
      TaggedLeadPage1768900000197,
      AccessChanges1768900000198,
    ],
    applicationName: 'crm-service',
  });
}
