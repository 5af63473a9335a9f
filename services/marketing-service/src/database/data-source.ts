import { schemaDataSourceOptions } from '@crm/nest-common';
import type { DataSourceOptions } from 'typeorm';
import { MARKETING_ENTITIES } from './entities';
import { CreateMarketingTables1767225600200 } from './migrations/1767225600200-CreateMarketingTables';
import { TenantRowLevelSecurity1767312000200 } from './migrations/1767312000200-TenantRowLevelSecurity';
import { AttributionReadModel1768700000000 } from './migrations/1768700000000-AttributionReadModel';
import { AttributionRollups1768700000001 } from './migrations/1768700000001-AttributionRollups';
import { ReadModelBuilds1768800000200 } from './migrations/1768800000200-ReadModelBuilds';
import { RetentionSchedule1768900000400 } from './migrations/1768900000400-RetentionSchedule';
import { ReadModelVersions1768900000401 } from './migrations/1768900000401-ReadModelVersions';

export const MARKETING_SCHEMA = 'marketing';

export function dataSourceOptions(url: string): DataSourceOptions {
  return schemaDataSourceOptions({
    url,
    schema: MARKETING_SCHEMA,
    entities: MARKETING_ENTITIES,
    migrations: [
      CreateMarketingTables1767225600200,
      TenantRowLevelSecurity1767312000200,
      AttributionReadModel1768700000000,
      AttributionRollups1768700000001,
      ReadModelBuilds1768800000200,
      RetentionSchedule1768900000400,
      ReadModelVersions1768900000401,
    ],
    applicationName: 'marketing-service',
  });
}
