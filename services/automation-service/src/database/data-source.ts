import { schemaDataSourceOptions } from '@crm/nest-common';
import type { DataSourceOptions } from 'typeorm';
import { AUTOMATION_ENTITIES } from './entities';
import { CreateAutomationTables1767225600300 } from './migrations/1767225600300-CreateAutomationTables';
import { DeadLetters1767225600400 } from './migrations/1767225600400-DeadLetters';

export const AUTOMATION_SCHEMA = 'automation';

export function dataSourceOptions(url: string): DataSourceOptions {
  return schemaDataSourceOptions({
    url,
    schema: AUTOMATION_SCHEMA,
    entities: AUTOMATION_ENTITIES,
    migrations: [CreateAutomationTables1767225600300, DeadLetters1767225600400],
    applicationName: 'automation-service',
  });
}
