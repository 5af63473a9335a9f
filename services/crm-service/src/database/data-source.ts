import { schemaDataSourceOptions } from '@crm/nest-common';
import type { DataSourceOptions } from 'typeorm';
import { CRM_ENTITIES } from './entities';
import { CreateCrmTables1767225600000 } from './migrations/1767225600000-CreateCrmTables';
import { DurableMessagingTables1767225600100 } from './migrations/1767225600100-DurableMessagingTables';

export const CRM_SCHEMA = 'crm';

export function dataSourceOptions(url: string): DataSourceOptions {
  return schemaDataSourceOptions({
    url,
    schema: CRM_SCHEMA,
    entities: CRM_ENTITIES,
    migrations: [CreateCrmTables1767225600000, DurableMessagingTables1767225600100],
    applicationName: 'crm-service',
  });
}
