import { BaseServiceConfig, durableTablesRetention, type RetentionRule } from '@crm/nest-common';
import type { MarketingConfig } from './config';
import { MARKETING_SCHEMA } from './database/data-source';

/**
 * What marketing-service's daily retention job deletes: only resolved dead letters (docs/OPERATIONS.md "Data
 * retention"); report snapshots have their own purge (`SNAPSHOT_RETENTION_DAYS`), the read model is one row per entity.
 */
export function marketingRetentionRules(
  config: Partial<Pick<MarketingConfig, 'RETENTION_DEAD_LETTERS_DAYS'>>,
): RetentionRule[] {
  return durableTablesRetention(MARKETING_SCHEMA, {
    deadLetters: config.RETENTION_DEAD_LETTERS_DAYS ?? new BaseServiceConfig().RETENTION_DEAD_LETTERS_DAYS,
  });
}
