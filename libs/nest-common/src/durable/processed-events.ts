import type { EntityManager } from 'typeorm';
import { preparedQuery } from '../database';

/** Keys per statement when many are recorded or looked up at once. */
const BATCH = 1000;

/**
 * Event keys a service already applied (`wa-in:<wamid>`, `leadgen:<id>`…), kept past JetStream's duplicate window.
 * Every method runs in the caller's tenant-scoped transaction (`TenantDatabase.withTenant`): `record` inside the
 * business transaction, so the key exists iff the effect committed.
 * `table` is `<schema>.processed_events` (see `durableTablesMigrationSql`) or a table with the same two columns.
 */
export class ProcessedEvents {
  constructor(private readonly table: string) {}

  /** Record the key; `false` when it was already there (do nothing then). */
  async record(db: EntityManager, tenantId: string, eventKey: string): Promise<boolean> {
    return (await this.recordMany(db, tenantId, [eventKey])).has(eventKey);
  }

  /** Record the keys; resolves with those that were new (the others were applied before). */
  async recordMany(db: EntityManager, tenantId: string, eventKeys: readonly string[]): Promise<Set<string>> {
    const recorded = new Set<string>();
    for (let start = 0; start < eventKeys.length; start += BATCH) {
      const rows = await preparedQuery<{ event_key: string }>(
        db,
        `INSERT INTO ${this.table} (tenant_id, event_key)
         SELECT $1, key FROM unnest($2::text[]) AS key
         ON CONFLICT DO NOTHING RETURNING event_key`,
        [tenantId, eventKeys.slice(start, start + BATCH)],
      );
      for (const row of rows) recorded.add(row.event_key);
    }
    return recorded;
  }

  /** Which of the keys the tenant already recorded. */
  async seenAmong(db: EntityManager, tenantId: string, eventKeys: readonly string[]): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let start = 0; start < eventKeys.length; start += BATCH) {
      const rows = await preparedQuery<{ event_key: string }>(
        db,
        `SELECT event_key FROM ${this.table} WHERE tenant_id = $1 AND event_key = ANY($2::text[])`,
        [tenantId, eventKeys.slice(start, start + BATCH)],
      );
      for (const row of rows) seen.add(row.event_key);
    }
    return seen;
  }
}
