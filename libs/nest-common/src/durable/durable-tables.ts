import { leaseColumnsSql } from '../worker/leased-table';

/**
 * The durable-messaging tables of one service schema, for an append-only migration:
 * - `<schema>.outbox`: events written in the business transaction, published by the relay (a `DurableWorker`);
 *   the row id is the JetStream message id. Created, or (crm) given the lease columns it lacked.
 * - `<schema>.processed_events`: event keys already applied (redeliveries do nothing).
 * - `<schema>.dead_letters`: JetStream messages a consumer of this service gave up on (see `DeadLetterStore`).
 * Idempotent (`IF NOT EXISTS`), so a schema that already has one of them keeps its rows.
 */
export type DurableTable = 'outbox' | 'processed_events' | 'dead_letters';

export function durableTablesMigrationSql(
  schema: string,
  tables: readonly DurableTable[] = ['outbox', 'processed_events', 'dead_letters'],
): string[] {
  const outbox = [
    `CREATE TABLE IF NOT EXISTS ${schema}.outbox (
       id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
       tenant_id uuid NOT NULL,
       subject text NOT NULL,
       payload jsonb NOT NULL,
       created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
       published_at timestamptz
     )`,
    ...leaseColumnsSql(`${schema}.outbox`),
    `CREATE INDEX IF NOT EXISTS outbox_due_idx ON ${schema}.outbox (next_attempt_at)
      WHERE published_at IS NULL AND parked_at IS NULL`,
  ];
  const processedEvents = [
    `CREATE TABLE IF NOT EXISTS ${schema}.processed_events (
       tenant_id uuid NOT NULL,
       event_key text NOT NULL,
       processed_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (tenant_id, event_key)
     )`,
  ];
  const deadLetters = [
    `CREATE TABLE IF NOT EXISTS ${schema}.dead_letters (
       id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
       consumer text NOT NULL,
       subject text NOT NULL,
       stream_sequence bigint NOT NULL,
       payload text NOT NULL,
       error_code text NOT NULL,
       error_message text NOT NULL,
       reason text NOT NULL CHECK (reason IN ('permanent', 'exhausted')),
       attempts int NOT NULL,
       status text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'replayed', 'discarded')),
       parked_at timestamptz NOT NULL DEFAULT now(),
       resolved_at timestamptz,
       UNIQUE (consumer, stream_sequence)
     )`,
    `CREATE INDEX IF NOT EXISTS dead_letters_parked_idx ON ${schema}.dead_letters (parked_at)
      WHERE status = 'parked'`,
  ];
  return [
    ...(tables.includes('outbox') ? outbox : []),
    ...(tables.includes('processed_events') ? processedEvents : []),
    ...(tables.includes('dead_letters') ? deadLetters : []),
  ];
}
