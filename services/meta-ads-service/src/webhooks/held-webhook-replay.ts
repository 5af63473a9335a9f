import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DomainError, type MetaWebhookPartMessage } from '@crm/contracts';
import { DurableWorker, LeasedTable, type WorkResult } from '@crm/nest-common';
import { DataSource } from 'typeorm';
import { HELD_TABLE, HeldWebhooksStore, type AssetKind } from './held-webhooks.store';
import { NotRoutedYet, WebhooksService } from './webhooks.service';

type HeldRow = {
  id: string;
  tenant_id: string;
  asset_kind: AssetKind;
  asset_id: string;
  part: MetaWebhookPartMessage;
  attempts: number;
};

/**
 * Claimed only once the tenant's connection routes the asset again (connected or expired, the asset chosen: a
 * number / WABA on the connection, a Page in `meta_ads.pages`).
 */
const ROUTED_AGAIN = `EXISTS (
  SELECT 1 FROM meta_ads.connections c
   WHERE c.tenant_id = t.tenant_id AND c.state IN ('connected', 'expired')
     AND CASE t.asset_kind
           WHEN 'phone_number' THEN c.phone_number_id = t.asset_id
           WHEN 'waba' THEN c.waba_id = t.asset_id
           ELSE EXISTS (SELECT 1 FROM meta_ads.pages p WHERE p.page_id = t.asset_id AND p.tenant_id = t.tenant_id)
         END)`;

/** Idle poll: a reconnect kicks the replay at once, this only catches what a kick missed (another replica's). */
const POLL_MS = 30_000;
const PURGE_EVERY_MS = 10 * 60_000;
const BATCH = 100;
/** Transient failures (database, NATS) of one kept part before it is parked (kept, out of the queue, for ops). */
const MAX_ATTEMPTS = 20;

/**
 * Replays the webhook parts kept for a disconnected tenant (`held_webhooks`) once its connection routes their asset
 * again: one at a time in the order they were received (a `DurableWorker` with leases, so replicas never replay the
 * same part at once), through the same handling as a live webhook (receipts make a replay of something already
 * processed a no-op). Parts older than `HELD_WEBHOOK_RETENTION_HOURS` are deleted, with a log line per tenant.
 */
@Injectable()
export class HeldWebhookReplay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MetaHeldWebhooks');
  private readonly worker: DurableWorker<HeldRow>;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    dataSource: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly store: HeldWebhooksStore,
  ) {
    this.worker = new DurableWorker<HeldRow>({
      name: 'meta-ads-service.held-webhooks',
      queue: new LeasedTable<HeldRow>({
        dataSource,
        table: HELD_TABLE,
        keys: ['id'],
        claimable: ROUTED_AGAIN,
        orderBy: ['received_at', 'id'],
        complete: { delete: true },
      }),
      handler: (row) => this.replay(row),
      pollMs: POLL_MS,
      leaseMs: 120_000,
      batchSize: BATCH,
      maxAttempts: MAX_ATTEMPTS,
      backoff: { baseMs: 1_000, maxMs: 300_000 },
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
    this.purgeTimer = setInterval(() => void this.purgeExpired(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.worker.stop();
  }

  /** A tenant reconnected or chose its assets: replay what became routable now, without holding up the caller. */
  kick(): void {
    this.worker.kick();
  }

  /** One replay round now; resolves with how many kept parts it handled. */
  replayDue(): Promise<number> {
    return this.worker.runOnce();
  }

  /** Delete kept parts and releases older than the retention; resolves with the number of parts deleted. */
  async purgeExpired(): Promise<number> {
    try {
      const deleted = await this.store.purgeExpired();
      for (const { tenantId, count } of deleted) {
        this.logger.warn(
          `tenant ${tenantId}: ${count} webhook(s) kept while disconnected were deleted after the retention period`,
        );
      }
      return deleted.reduce((sum, row) => sum + row.count, 0);
    } catch (error) {
      this.logger.error(`purging held webhooks failed: ${error instanceof Error ? error.message : 'error'}`);
      return 0;
    }
  }

  private async replay(row: HeldRow): Promise<WorkResult> {
    try {
      await this.webhooks.handle(row.part, { heldFor: row.tenant_id });
    } catch (error) {
      if (error instanceof NotRoutedYet) {
        return { retryInMs: POLL_MS, error: { code: 'NOT_ROUTED', message: error.message } };
      }
      // Malformed items were reported when the part first arrived; its valid items are processed by now.
      if (error instanceof DomainError && error.code === 'VALIDATION') return 'done';
      throw error;
    }
    return 'done';
  }
}
