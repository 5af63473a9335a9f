import { schemaDataSourceOptions } from '@crm/nest-common';
import type { DataSourceOptions } from 'typeorm';
import { META_ADS_ENTITIES } from './entities';
import { CreateMetaAdsTables1767225700000 } from './migrations/1767225700000-CreateMetaAdsTables';
import { ExclusiveAssetsAndPendingLeadgen1767225800000 } from './migrations/1767225800000-ExclusiveAssetsAndPendingLeadgen';
import { TenantRowLevelSecurity1767312000100 } from './migrations/1767312000100-TenantRowLevelSecurity';
import { DurableMessagingTables1767398400100 } from './migrations/1767398400100-DurableMessagingTables';
import { AdCreatives1767610000000 } from './migrations/1767610000000-AdCreatives';
import { FreeFormTextSends1767710000000 } from './migrations/1767710000000-FreeFormTextSends';
import { SendOutcomes1768200100000 } from './migrations/1768200100000-SendOutcomes';
import { TemplateDetails1768300100000 } from './migrations/1768300100000-TemplateDetails';
import { TemplateSyncSchedule1768300100001 } from './migrations/1768300100001-TemplateSyncSchedule';
import { SendOutcomeEvidence1768610000000 } from './migrations/1768610000000-SendOutcomeEvidence';
import { HeldWebhooks1768750000000 } from './migrations/1768750000000-HeldWebhooks';
import { TokenCheckSchedule1768750000001 } from './migrations/1768750000001-TokenCheckSchedule';
import { LeadAdsPages1768730000000 } from './migrations/1768730000000-LeadAdsPages';
import { LeadForms1768730000001 } from './migrations/1768730000001-LeadForms';
import { LeadgenBackfills1768730000002 } from './migrations/1768730000002-LeadgenBackfills';
import { ConversionsLoop1768760000000 } from './migrations/1768760000000-ConversionsLoop';
import { ConversionLeadName1768760000001 } from './migrations/1768760000001-ConversionLeadName';
import { RetentionSchedule1768900000200 } from './migrations/1768900000200-RetentionSchedule';

export const META_ADS_SCHEMA = 'meta_ads';

export function dataSourceOptions(url: string): DataSourceOptions {
  return schemaDataSourceOptions({
    url,
    schema: META_ADS_SCHEMA,
    entities: META_ADS_ENTITIES,
    migrations: [
      CreateMetaAdsTables1767225700000,
      ExclusiveAssetsAndPendingLeadgen1767225800000,
      TenantRowLevelSecurity1767312000100,
      DurableMessagingTables1767398400100,
      AdCreatives1767610000000,
      FreeFormTextSends1767710000000,
      SendOutcomes1768200100000,
      TemplateDetails1768300100000,
      TemplateSyncSchedule1768300100001,
      SendOutcomeEvidence1768610000000,
      HeldWebhooks1768750000000,
      TokenCheckSchedule1768750000001,
      LeadAdsPages1768730000000,
      LeadForms1768730000001,
      LeadgenBackfills1768730000002,
      ConversionsLoop1768760000000,
      ConversionLeadName1768760000001,
      RetentionSchedule1768900000200,
    ],
    applicationName: 'meta-ads-service',
  });
}
