import { daysOutlivingStreams, durableTablesRetention, type RetentionRule } from '@crm/nest-common';
import { CrmConfig } from './config';

export type CrmRetentionConfig = Partial<
  Pick<
    CrmConfig,
    | 'RETENTION_OUTBOX_DAYS'
    | 'RETENTION_DEAD_LETTERS_DAYS'
    | 'RETENTION_PROCESSED_EVENTS_DAYS'
    | 'RETENTION_SESSIONS_DAYS'
    | 'RETENTION_LEAD_IMPORTS_DAYS'
  >
>;

/**
 * What crm-service's daily retention job deletes (docs/OPERATIONS.md "Data retention"). `processed_events` must
 * outlive the longest stream `max_age`, or a message re-read from the stream would be applied twice.
 */
export function crmRetentionRules(
  config: CrmRetentionConfig,
  env: NodeJS.ProcessEnv = process.env,
): RetentionRule[] {
  const defaults = new CrmConfig();
  const processedDays = daysOutlivingStreams(
    'RETENTION_PROCESSED_EVENTS_DAYS',
    config.RETENTION_PROCESSED_EVENTS_DAYS ?? defaults.RETENTION_PROCESSED_EVENTS_DAYS,
    env,
  );
  return [
    ...durableTablesRetention('crm', {
      outbox: config.RETENTION_OUTBOX_DAYS ?? defaults.RETENTION_OUTBOX_DAYS,
      deadLetters: config.RETENTION_DEAD_LETTERS_DAYS ?? defaults.RETENTION_DEAD_LETTERS_DAYS,
    }),
    { table: 'crm.processed_events', expired: 'processed_at < $1', days: processedDays },
    // Sessions that ended (expired or revoked) that long ago: nothing checks them any more.
    {
      table: 'crm.sessions',
      expired: 'LEAST(expires_at, COALESCE(revoked_at, expires_at)) < $1',
      days: config.RETENTION_SESSIONS_DAYS ?? defaults.RETENTION_SESSIONS_DAYS,
    },
    // Imports that ended (done, or parked = failed) or were never started: their rows and rejects (the file's
    // cells, contacts' names and phones) go with them (ON DELETE CASCADE). The leads they created stay.
    {
      table: 'crm.lead_imports',
      expired: `(status = 'done' AND finished_at < $1) OR parked_at < $1
                OR (status IN ('receiving', 'uploaded') AND created_at < $1)`,
      days: config.RETENTION_LEAD_IMPORTS_DAYS ?? defaults.RETENTION_LEAD_IMPORTS_DAYS,
    },
    // Gateways read only the last 30 s of access changes; a day is kept to look into an incident.
    { table: 'crm.access_changes', expired: 'created_at < $1', days: 1 },
  ];
}
