import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { TenantDatabase } from '../database';

/** How often a replica looks whether a periodic job is due (at most; shorter intervals tick faster). */
const MAX_TICK_MS = 60_000;

/**
 * The one-row schedule table of a periodic job (no tenant column, so no row-level security), for a migration:
 * `id = 1`, due at once.
 */
export function periodicScheduleMigrationSql(table: string): string[] {
  return [
    `CREATE TABLE ${table} (
       id smallint PRIMARY KEY CHECK (id = 1),
       next_run_at timestamptz NOT NULL,
       last_owner text,
       last_started_at timestamptz
     )`,
    `INSERT INTO ${table} (id, next_run_at) VALUES (1, now())`,
  ];
}

/**
 * A periodic job run once across replicas: each replica ticks, and a tick runs the job only when it claims the period
 * by moving its one-row schedule table's `next_run_at` forward in one UPDATE (`table`, schema-qualified, id 1; see
 * `periodicScheduleMigrationSql`). Used by meta-ads' template sync, form sync and token check, and by retention.
 */
export class PeriodicClaim {
  private readonly owner: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly db: TenantDatabase,
    private readonly logger: Logger,
    private readonly job: { what: string; table: string; intervalMs: number; ownerPrefix?: string },
  ) {
    this.owner = `${job.ownerPrefix ?? 'replica'}-${randomUUID()}`;
  }

  /** Tick every min(interval, 1 min); a tick still running when the next is due is not doubled. */
  start(tick: () => Promise<unknown>): void {
    this.timer = setInterval(
      () => {
        if (this.running) return;
        this.running = tick()
          .catch((error: unknown) => this.logger.error(`${this.job.what} tick failed: ${String(error)}`))
          .finally(() => (this.running = undefined));
      },
      Math.min(this.job.intervalMs, MAX_TICK_MS),
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** True when this replica won the current period (and moved the next one an interval ahead). */
  async claim(): Promise<boolean> {
    const rows: unknown[] = await this.db.asSystem(`claim the periodic ${this.job.what}`, (db) =>
      db.query(
        `UPDATE ${this.job.table}
            SET next_run_at = now() + make_interval(secs => $1::double precision / 1000),
                last_owner = $2, last_started_at = now()
          WHERE id = 1 AND next_run_at <= now()
      RETURNING id`,
        [this.job.intervalMs, this.owner],
      ),
    );
    // TypeORM's raw UPDATE … RETURNING answers [rows, count].
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length > 0;
  }
}
