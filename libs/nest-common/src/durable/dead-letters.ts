import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { metricsRegistry } from '../metrics';

export type DeadLetterStatus = 'parked' | 'replayed' | 'discarded';

/** What a consumer knows about a message it gives up on. */
export type ParkedMessage = {
  consumer: string;
  subject: string;
  streamSequence: number;
  /** The message body as received (text: it may not even be JSON). */
  payload: string;
  errorCode: string;
  errorMessage: string;
  reason: 'permanent' | 'exhausted';
  attempts: number;
};

export type DeadLetter = ParkedMessage & {
  id: string;
  status: DeadLetterStatus;
  parkedAt: string;
  resolvedAt: string | null;
};

/** Where `JetStreamService.consume` parks what it gives up on. */
export type DeadLetterSink = { park(message: ParkedMessage): Promise<void> };

type DeadLetterRow = {
  id: string;
  consumer: string;
  subject: string;
  stream_sequence: string;
  payload: string;
  error_code: string;
  error_message: string;
  reason: 'permanent' | 'exhausted';
  attempts: number;
  status: DeadLetterStatus;
  parked_at: Date;
  resolved_at: Date | null;
};

export const deadLettersTotal = new Counter({
  name: 'crm_dead_letters_total',
  help: 'JetStream messages parked in a dead-letter table, by consumer and reason (permanent, exhausted)',
  labelNames: ['consumer', 'reason'] as const,
  registers: [metricsRegistry],
});

const stores = new Set<DeadLetterStore>();
new Gauge({
  name: 'crm_dead_letters_parked',
  help: 'Dead letters still parked (not replayed or discarded), by schema and consumer',
  labelNames: ['schema', 'consumer'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const store of stores) {
      try {
        for (const { consumer, count } of await store.parkedCounts()) {
          this.set({ schema: store.schema, consumer }, count);
        }
      } catch {
        // Database unreachable: /health says so; the scrape still answers.
      }
    }
  },
});

/**
 * `<schema>.dead_letters` (see `durableTablesMigrationSql`): every read and write of it. Parked rows are kept for
 * audit; ops replay them (republished to their subject) or discard them (`npm run dead-letters`).
 */
export class DeadLetterStore implements DeadLetterSink {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    readonly schema: string,
  ) {
    this.table = `${schema}.dead_letters`;
  }

  /** Count this store's parked rows in `/metrics` (`crm_dead_letters_parked`). */
  registerMetrics(): this {
    stores.add(this);
    return this;
  }

  unregisterMetrics(): void {
    stores.delete(this);
  }

  async park(message: ParkedMessage): Promise<void> {
    // The same delivery parked twice (the ack after parking was lost) stays one row.
    await this.dataSource.query(
      `INSERT INTO ${this.table}
         (consumer, subject, stream_sequence, payload, error_code, error_message, reason, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (consumer, stream_sequence) DO NOTHING`,
      [
        message.consumer,
        message.subject,
        message.streamSequence,
        // PostgreSQL text cannot hold NUL: keep the body readable and replayable as its JSON escape.
        message.payload.replaceAll('\u0000', '\\u0000'),
        message.errorCode,
        message.errorMessage.replaceAll('\u0000', '\\u0000'),
        message.reason,
        message.attempts,
      ],
    );
    deadLettersTotal.inc({ consumer: message.consumer, reason: message.reason });
  }

  async list(
    options: { status?: DeadLetterStatus; consumer?: string; limit?: number } = {},
  ): Promise<DeadLetter[]> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT * FROM ${this.table}
        WHERE ($1::text IS NULL OR status = $1::text) AND ($2::text IS NULL OR consumer = $2::text)
        ORDER BY parked_at DESC, id
        LIMIT $3`,
      [options.status ?? null, options.consumer ?? null, options.limit ?? 100],
    );
    return rows.map(toDeadLetter);
  }

  async get(id: string): Promise<DeadLetter | null> {
    const rows: DeadLetterRow[] = await this.dataSource.query(`SELECT * FROM ${this.table} WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toDeadLetter(rows[0]) : null;
  }

  async parkedCounts(): Promise<{ consumer: string; count: number }[]> {
    return this.dataSource.query(
      `SELECT consumer, count(*)::int AS count FROM ${this.table} WHERE status = 'parked' GROUP BY consumer`,
    );
  }

  /**
   * Republish a parked message to its original subject (`publish` gets the body and the message id
   * `dead-letter:<id>`, so a replay repeated by mistake is deduplicated by the stream) and mark it `replayed`.
   * Null when there is no parked row with that id.
   */
  async replay(
    id: string,
    publish: (subject: string, body: string, messageId: string) => Promise<void>,
  ): Promise<DeadLetter | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: DeadLetterRow[] = await manager.query(
        `SELECT * FROM ${this.table} WHERE id = $1 AND status = 'parked' FOR UPDATE`,
        [id],
      );
      if (!rows[0]) return null;
      await publish(rows[0].subject, rows[0].payload, `dead-letter:${id}`);
      const updated: DeadLetterRow[] = await manager.query(
        `WITH replayed AS (
           UPDATE ${this.table} SET status = 'replayed', resolved_at = now() WHERE id = $1 RETURNING *
         )
         SELECT * FROM replayed`,
        [id],
      );
      return toDeadLetter(updated[0]);
    });
  }

  /** Mark a parked message discarded (the row stays for audit). Null when there is no parked row with that id. */
  async discard(id: string): Promise<DeadLetter | null> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `WITH discarded AS (
         UPDATE ${this.table} SET status = 'discarded', resolved_at = now()
          WHERE id = $1 AND status = 'parked'
         RETURNING *
       )
       SELECT * FROM discarded`,
      [id],
    );
    return rows[0] ? toDeadLetter(rows[0]) : null;
  }
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    consumer: row.consumer,
    subject: row.subject,
    streamSequence: Number(row.stream_sequence),
    payload: row.payload,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    reason: row.reason,
    attempts: row.attempts,
    status: row.status,
    parkedAt: row.parked_at.toISOString(),
    resolvedAt: row.resolved_at ? row.resolved_at.toISOString() : null,
  };
}
