import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EventPayload, EventSubject } from '@crm/contracts';
import { JetStreamService, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';

export const OUTBOX_RELAY_INTERVAL_MS = 200;
const BATCH_SIZE = 100;
const RETENTION_DAYS = 7;
const CLEANUP_EVERY_MS = 3600_000;

type OutboxRow = { id: string; subject: EventSubject; payload: EventPayload<EventSubject> };

/**
 * Transactional outbox. `enqueue` writes a domain event with the caller's transaction, so the event exists iff the
 * change committed. The relay publishes unpublished rows to JetStream (message id = outbox id, so a row published
 * twice after a crash is deduplicated by the stream) every ~200 ms and right after a commit (`kick`), then marks them.
 * `FOR UPDATE SKIP LOCKED` lets several replicas relay without publishing the same row at the same time.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private lastFailure?: string;
  private lastCleanup = 0;

  constructor(
    private readonly db: TenantDatabase,
    private readonly jetstream: JetStreamService,
  ) {}

  /** Write an event inside `manager`'s (tenant-scoped) transaction. Returns the outbox id (= JetStream message id). */
  async enqueue<S extends EventSubject>(
    manager: EntityManager,
    tenantId: string,
    subject: S,
    payload: EventPayload<S>,
  ): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO crm.outbox (tenant_id, subject, payload) VALUES ($1, $2, $3::jsonb) RETURNING id`,
      [tenantId, subject, JSON.stringify(payload)],
    );
    return rows[0].id;
  }

  /** Publish now instead of at the next tick (call after the transaction committed). */
  kick(): void {
    if (this.stopped) return;
    void this.relay();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay(), OUTBOX_RELAY_INTERVAL_MS);
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs one relay pass at a time; a kick during a pass schedules another one right after. */
  relay(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.publishBatch()) === BATCH_SIZE) {
            /* keep going while batches are full */
          }
        } while (this.again && !this.stopped);
        await this.cleanup();
      } catch (error) {
        this.reportFailure(error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async publishBatch(): Promise<number> {
    return this.db.asSystem('outbox relay: claim unpublished events', async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, subject, payload FROM crm.outbox
          WHERE published_at IS NULL
          ORDER BY created_at, id
          LIMIT ${BATCH_SIZE}
          FOR UPDATE SKIP LOCKED`,
      );
      const published: string[] = [];
      for (const row of rows) {
        try {
          await this.jetstream.publish(row.subject, row.payload, row.id);
          published.push(row.id);
        } catch (error) {
          this.reportFailure(error);
          break;
        }
      }
      if (published.length > 0) {
        await manager.query(`UPDATE crm.outbox SET published_at = now() WHERE id = ANY($1::uuid[])`, [
          published,
        ]);
        if (this.lastFailure) {
          this.logger.log('publishing again after a failure');
          this.lastFailure = undefined;
        }
      }
      return published.length === rows.length ? rows.length : 0;
    });
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.db.asSystem('outbox cleanup', (manager) =>
      manager.query(
        `DELETE FROM crm.outbox WHERE published_at < now() - make_interval(days => ${RETENTION_DAYS})`,
      ),
    );
  }

  /** Logs a failure once per distinct message, not every 200 ms while NATS or the database is down. */
  private reportFailure(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    this.logger.warn(`relay paused, will retry: ${message}`);
  }
}
