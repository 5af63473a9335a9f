import type { DataSource } from 'typeorm';
import { TenantDatabase } from '../database';
import type { WorkQueue } from './durable-worker';
import type { WorkError } from './failure-policy';

/**
 * The columns a table needs to be worked by a `DurableWorker` through `LeasedTable` (add them in a migration):
 * the attempt count, when the row is next due, the lease (owner and expiry), the last error and when it was
 * parked. `last_error` is `{code, message, at}`.
 */
export function leaseColumnsSql(table: string): string[] {
  return [
    `ALTER TABLE ${table}
       ADD COLUMN IF NOT EXISTS attempts int NOT NULL DEFAULT 0,
       ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz NOT NULL DEFAULT now(),
       ADD COLUMN IF NOT EXISTS locked_until timestamptz,
       ADD COLUMN IF NOT EXISTS lease_owner text,
       ADD COLUMN IF NOT EXISTS last_error jsonb,
       ADD COLUMN IF NOT EXISTS parked_at timestamptz`,
  ];
}

export type LeasedTableOptions = {
  dataSource: DataSource;
  /** Schema-qualified, e.g. `crm.outbox`. */
  table: string;
  /** Primary key columns; each claimed row carries them. */
  keys: readonly string[];
  /** SQL condition (alias `t`) a row must meet to be work at all, e.g. `t.published_at IS NULL`. */
  pending?: string;
  /** Extra SQL condition (alias `t`) for claiming, e.g. the tenant's connection is usable. */
  claimable?: string;
  /** Claim order (columns of the table); default `next_attempt_at`. The outbox adds `created_at` to keep commit order. */
  orderBy?: readonly string[];
  /** What finishing a row does: delete it, or run this SET list (e.g. `published_at = now()`). */
  complete: { delete: true } | { set: string };
};

/** Every claimed row has these. */
export type LeasedRow = { attempts: number; [column: string]: unknown };

/**
 * The SQL of a leased work table, in one place: claim (`FOR UPDATE SKIP LOCKED`, skipping rows whose lease has not
 * expired), complete, retry, park and release — each write only while the caller still holds the row's lease,
 * so a replica whose lease expired (it was slow) cannot undo what the next owner did.
 */
export class LeasedTable<Row extends LeasedRow> implements WorkQueue<Row> {
  private readonly keyMatch: string;
  private readonly db: TenantDatabase;

  constructor(private readonly options: LeasedTableOptions) {
    this.keyMatch = options.keys.map((key, i) => `t.${key} = $${i + 2}`).join(' AND ');
    this.db = new TenantDatabase(options.dataSource);
  }

  /**
   * Work spans tenants (row-level security's named bypass): each statement is one system transaction, named by
   * the table so `crm_system_queries_total` shows which worker it was.
   */
  private query<T>(sql: string, parameters: unknown[]): Promise<T> {
    return this.db.asSystem(`worker ${this.options.table}`, (db) => db.query(sql, parameters));
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<Row[]> {
    const { table, keys } = this.options;
    const order = this.options.orderBy ?? ['next_attempt_at'];
    const conditions = [
      't.parked_at IS NULL',
      't.next_attempt_at <= now()',
      '(t.locked_until IS NULL OR t.locked_until <= now())',
      this.options.pending,
      this.options.claimable,
    ].filter(Boolean);
    return this.query(
      `WITH due AS (
         SELECT ${keys.map((k) => `t.${k}`).join(', ')} FROM ${table} t
          WHERE ${conditions.join(' AND ')}
          ORDER BY ${order.map((c) => `t.${c}`).join(', ')}
          LIMIT $2
            FOR UPDATE OF t SKIP LOCKED
       ), claimed AS (
         UPDATE ${table} t
            SET lease_owner = $1, attempts = t.attempts + 1,
                locked_until = now() + make_interval(secs => $3::double precision / 1000)
           FROM due
          WHERE ${keys.map((k) => `t.${k} = due.${k}`).join(' AND ')}
         RETURNING t.*
       )
       SELECT * FROM claimed ORDER BY ${order.join(', ')}`,
      [owner, limit, leaseMs],
    );
  }

  async complete(row: Row, owner: string): Promise<void> {
    const { table, complete } = this.options;
    const sql =
      'delete' in complete
        ? `DELETE FROM ${table} t WHERE t.lease_owner = $1 AND ${this.keyMatch}`
        : `UPDATE ${table} t SET ${complete.set}, lease_owner = NULL, locked_until = NULL, last_error = NULL
            WHERE t.lease_owner = $1 AND ${this.keyMatch}`;
    await this.query(sql, [owner, ...this.keyValues(row)]);
  }

  async completeMany(rows: Row[], owner: string): Promise<void> {
    const { table, complete, keys } = this.options;
    if (keys.length !== 1) {
      for (const row of rows) await this.complete(row, owner);
      return;
    }
    const key = keys[0]!;
    const ids = rows.map((row) => this.keyValues(row)[0]);
    const sql =
      'delete' in complete
        ? `DELETE FROM ${table} t WHERE t.lease_owner = $1 AND t.${key} = ANY($2)`
        : `UPDATE ${table} t SET ${complete.set}, lease_owner = NULL, locked_until = NULL, last_error = NULL
            WHERE t.lease_owner = $1 AND t.${key} = ANY($2)`;
    await this.query(sql, [owner, ids]);
  }

  async retry(row: Row, owner: string, delayMs: number, error: WorkError): Promise<void> {
    const n = this.options.keys.length + 2;
    await this.query(
      `UPDATE ${this.options.table} t
          SET lease_owner = NULL, locked_until = NULL,
              next_attempt_at = now() + make_interval(secs => $${n}::double precision / 1000),
              last_error = jsonb_build_object('code', $${n + 1}::text, 'message', $${n + 2}::text, 'at', now())
        WHERE t.lease_owner = $1 AND ${this.keyMatch}`,
      [owner, ...this.keyValues(row), delayMs, error.code, error.message],
    );
  }

  async park(row: Row, owner: string, error: WorkError): Promise<void> {
    const n = this.options.keys.length + 2;
    await this.query(
      `UPDATE ${this.options.table} t
          SET lease_owner = NULL, locked_until = NULL, parked_at = now(),
              last_error = jsonb_build_object('code', $${n}::text, 'message', $${n + 1}::text, 'at', now())
        WHERE t.lease_owner = $1 AND ${this.keyMatch}`,
      [owner, ...this.keyValues(row), error.code, error.message],
    );
  }

  async release(owner: string): Promise<void> {
    await this.query(
      `UPDATE ${this.options.table} SET lease_owner = NULL, locked_until = NULL WHERE lease_owner = $1`,
      [owner],
    );
  }

  /** Make matching rows due now (e.g. a tenant reconnected), unless leased or parked. Returns how many. */
  async makeDue(condition: string, params: unknown[]): Promise<number> {
    const rows: { count: number }[] = await this.query(
      `WITH due AS (
         UPDATE ${this.options.table} t SET next_attempt_at = now()
          WHERE t.parked_at IS NULL AND (t.locked_until IS NULL OR t.locked_until <= now()) AND (${condition})
         RETURNING 1
       )
       SELECT count(*)::int AS count FROM due`,
      params,
    );
    return rows[0].count;
  }

  attempts(row: Row): number {
    return row.attempts;
  }

  describe(row: Row): string {
    return `${this.options.table} ${this.keyValues(row).join('/')}`;
  }

  private keyValues(row: Row): unknown[] {
    return this.options.keys.map((key) => row[key]);
  }
}
