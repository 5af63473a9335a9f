import type { DataSource, EntityManager } from 'typeorm';

/**
 * Event keys a service already applied (`wa-in:<wamid>`, `leadgen:<id>`…), kept past JetStream's duplicate window.
 * `record` runs inside the business transaction: the key exists iff the effect committed.
 * `table` is `<schema>.processed_events` (see `durableTablesMigrationSql`) or a table of the same columns.
 */
export class ProcessedEvents {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: string,
  ) {}

  /** Record the key in `manager`'s transaction; `false` when it was already there (do nothing then). */
  async record(manager: EntityManager, tenantId: string, eventKey: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${this.table} (tenant_id, event_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_key`,
      [tenantId, eventKey],
    );
    return rows.length === 1;
  }

  /** The key was recorded (by any tenant: event keys are global ids such as a wamid). */
  async seen(eventKey: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${this.table} WHERE event_key = $1`, [
      eventKey,
    ]);
    return rows.length > 0;
  }
}
