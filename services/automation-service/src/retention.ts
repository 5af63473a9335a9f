import { daysOutlivingStreams, durableTablesRetention, type RetentionRule } from '@crm/nest-common';
import { AutomationConfig } from './config';
import { AUTOMATION_SCHEMA } from './database/data-source';

export type AutomationRetentionConfig = Partial<
  Pick<
    AutomationConfig,
    | 'RETENTION_DEAD_LETTERS_DAYS'
    | 'RETENTION_FREQUENCY_MARKS_DAYS'
    | 'RETENTION_RULE_LIMIT_MARKS_DAYS'
    | 'RETENTION_CONTACT_WINDOWS_DAYS'
    | 'RETENTION_TOMBSTONES_DAYS'
  >
>;

/**
 * What automation-service's daily retention job deletes (docs/OPERATIONS.md "Data retention"). Each mark is kept
 * past the longest window that counts it, so a purge never frees a slot a cap still holds.
 */
export function automationRetentionRules(
  config: AutomationRetentionConfig,
  env: NodeJS.ProcessEnv = process.env,
): RetentionRule[] {
  const defaults = new AutomationConfig();
  return [
    ...durableTablesRetention(AUTOMATION_SCHEMA, {
      deadLetters: config.RETENTION_DEAD_LETTERS_DAYS ?? defaults.RETENTION_DEAD_LETTERS_DAYS,
    }),
    {
      table: 'automation.frequency_marks',
      expired: 'at < $1',
      days: config.RETENTION_FREQUENCY_MARKS_DAYS ?? defaults.RETENTION_FREQUENCY_MARKS_DAYS,
    },
    // A rule limited "ever" (`perDays` null or absent) counts every mark of its own: those stay while it is not deleted.
    {
      table: 'automation.rule_limit_marks',
      expired: `at < $1 AND NOT EXISTS (
                  SELECT 1 FROM automation.rules r
                   WHERE r.tenant_id = rule_limit_marks.tenant_id AND r.key = rule_limit_marks.rule_key
                     AND r.deleted_at IS NULL AND jsonb_typeof(r.limits -> 'maxPerContact') = 'number'
                     AND jsonb_typeof(r.limits -> 'perDays') IS DISTINCT FROM 'number')`,
      days: config.RETENTION_RULE_LIMIT_MARKS_DAYS ?? defaults.RETENTION_RULE_LIMIT_MARKS_DAYS,
    },
    {
      table: 'automation.contact_windows',
      expired: 'window_ends_at < $1',
      days: config.RETENTION_CONTACT_WINDOWS_DAYS ?? defaults.RETENTION_CONTACT_WINDOWS_DAYS,
    },
    {
      table: 'automation.lead_status_tombstones',
      expired: 'changed_at < $1',
      days: daysOutlivingStreams(
        'RETENTION_TOMBSTONES_DAYS',
        config.RETENTION_TOMBSTONES_DAYS ?? defaults.RETENTION_TOMBSTONES_DAYS,
        env,
      ),
    },
  ];
}
