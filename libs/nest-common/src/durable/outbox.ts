import type { FactoryProvider, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { EventPayload, EventSubject } from '@crm/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantDatabase, preparedQuery } from '../database';
import { JetStreamService } from '../jetstream';
import { DurableWorker } from '../worker/durable-worker';
import { LeasedTable } from '../worker/leased-table';

export type OutboxOptions = {
  /** The service's schema; the table is `<schema>.outbox` (see `durableTablesMigrationSql`). */
  schema: string;
  /** Worker name in logs and metrics, e.g. `crm-service.outbox`. */
  name: string;
  pollMs?: number;
};

type OutboxRow = {
  id: string;
  subject: EventSubject;
  payload: EventPayload<EventSubject>;
  attempts: number;
};

export const OUTBOX_RELAY_INTERVAL_MS = 200;
const RETENTION_DAYS = 7;
const CLEANUP_EVERY_MS = 3600_000;

/**
 * Transactional outbox. `enqueue` writes a domain event with the caller's transaction, so the event exists iff the
 * change committed. The relay is a `DurableWorker` over `<schema>.outbox`: it publishes each row to JetStream with
 * the outbox id as message id (a row published twice after a crash is deduplicated by the stream), then marks it.
 * A failing publish (NATS down) is retried with backoff, never given up.
 */
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly worker: DurableWorker<OutboxRow>;
  private readonly table: string;
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jetstream: JetStreamService,
    options: OutboxOptions,
  ) {
    this.table = `${options.schema}.outbox`;
    this.worker = new DurableWorker<OutboxRow>({
      name: options.name,
      queue: new LeasedTable<OutboxRow>({
        dataSource,
        table: this.table,
        keys: ['id'],
        pending: 't.published_at IS NULL',
        orderBy: ['next_attempt_at', 'created_at', 'id'],
        complete: { set: 'published_at = now()' },
      }),
      handler: async (row) => {
        await this.jetstream.publish(row.subject, row.payload, row.id);
        // Housekeeping must not fail the publish that just went through.
        await this.cleanup().catch(() => undefined);
        return 'done';
      },
      pollMs: options.pollMs ?? OUTBOX_RELAY_INTERVAL_MS,
      leaseMs: 30_000,
      batchSize: 200,
      // Publishes are pipelined, still in claim order: each lane takes the next row and issues its publish before
      // its first await, and NATS stores one connection's messages in the order they were sent.
      concurrency: 32,
      // One commit marks a claimed batch published (not one per event): a crash before it publishes the batch
      // again, and the stream drops the copies by message id.
      completeInBatches: true,
      backoff: { baseMs: 200, maxMs: 30_000 },
    });
  }

  /**
   * Write an event inside `manager`'s (tenant-scoped) transaction. Returns the outbox id (= JetStream message id).
   */
  async enqueue<S extends EventSubject>(
    manager: EntityManager,
    tenantId: string,
    subject: S,
    payload: EventPayload<S>,
  ): Promise<string> {
    const [id] = await this.enqueueMany(manager, tenantId, subject, [payload]);
    return id;
  }

  /** Write several events of one subject in one statement, relayed in the order given. Returns their ids. */
  async enqueueMany<S extends EventSubject>(
    manager: EntityManager,
    tenantId: string,
    subject: S,
    payloads: readonly EventPayload<S>[],
  ): Promise<string[]> {
    if (payloads.length === 0) return [];
    // clock_timestamp() per row keeps the given order in `created_at`, which the relay claims by.
    const rows = await preparedQuery<{ id: string }>(
      manager,
      `INSERT INTO ${this.table} (tenant_id, subject, payload, created_at)
       SELECT $1, $2, payload, clock_timestamp()
         FROM unnest($3::jsonb[]) WITH ORDINALITY AS p(payload, n)
        ORDER BY n
       RETURNING id`,
      [tenantId, subject, payloads.map((payload) => JSON.stringify(payload))],
    );
    return rows.map((row) => row.id);
  }

  /** Publish now instead of at the next poll (call after the transaction committed). */
  kick(): void {
    this.worker.kick();
  }

  /** One relay round now; resolves with how many rows it handled. */
  relay(): Promise<number> {
    return this.worker.runOnce();
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker.stop();
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await new TenantDatabase(this.dataSource).asSystem(`${this.table}: delete published rows`, (db) =>
      db.query(
        `DELETE FROM ${this.table} WHERE published_at < now() - make_interval(days => ${RETENTION_DAYS})`,
      ),
    );
  }
}

/** Nest provider of `OutboxService` for a service schema (DataSource from TypeOrmModule, JetStream from messaging). */
export function outboxProvider(options: OutboxOptions): FactoryProvider<OutboxService> {
  return {
    provide: OutboxService,
    useFactory: (dataSource: DataSource, jetstream: JetStreamService) =>
      new OutboxService(dataSource, jetstream, options),
    inject: [DataSource, JetStreamService],
  };
}
