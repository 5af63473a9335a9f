import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DurableWorker, type WorkQueue } from '@crm/nest-common';
import { SCHEDULER_SETTINGS, type SchedulerSettings } from '../config';
import { SendStore, type SendRow } from '../sends/send-store';
import { MAX_SEND_ATTEMPTS, MAX_RETRY_DELAY_MS, BASE_RETRY_DELAY_MS } from './backoff';
import { RECONCILE_AFTER_MS, SendProcessor } from './send-processor';

export const DEFAULT_CLAIM_LEASE_MS = 30_000;
export const DEFAULT_SEND_CONCURRENCY = 16;
/** `unknown` sends asked about per reconciliation round. */
export const RECONCILE_BATCH = 50;
/**
 * More due sends are claimed once this share of the lanes is free (DurableWorker `refillAt`), not when the whole
 * batch is done: the sends of a batch wait for their pacing slots one after another, and claiming only after the
 * last of them left the number idle while the next batch was prepared (a 2,000-send drain ran in bursts of 64 with
 * 1–2 s gaps).
 */
export const REFILL_SHARE = 0.25;

/**
 * `automation.sends` as a DurableWorker queue. A claim moves a due send `scheduled` → `sending` with a lease of its
 * own (SendStore.claimDue, `FOR UPDATE SKIP LOCKED`); a claim takes only as many rows as there are free lanes, so no
 * claimed row waits behind others. Only the lease holder may begin the request (SendStore.beginRequest) or settle the row.
 * Before every claim, expired leases are swept: back to `scheduled` when the request had not begun, `unknown` when it
 * had — never failed, never re-sent blindly.
 */
class SendQueue implements WorkQueue<SendRow> {
  private readonly logger = new Logger('SendQueue');

  constructor(
    private readonly store: SendStore,
    private readonly claimLeaseMs: number,
  ) {}

  async claim(_owner: string, limit: number): Promise<SendRow[]> {
    const swept = await this.store.sweepExpiredLeases();
    if (swept.rescheduled + swept.unknown > 0) {
      this.logger.warn(
        `expired leases: ${swept.rescheduled} send(s) rescheduled (not begun), ${swept.unknown} now unknown`,
      );
    }
    return this.store.claimDue(limit, this.claimLeaseMs);
  }

  // The processor already wrote the outcome; a thrown bookkeeping failure is settled by the lease sweep.
  async complete(): Promise<void> {}
  async retry(): Promise<void> {}
  async park(): Promise<void> {}
  async release(): Promise<void> {}

  attempts(row: SendRow): number {
    return row.attempts;
  }

  describe(row: SendRow): string {
    return `send ${row.id}`;
  }
}

/**
 * The schedule is the `sends` table, not a timer: every SCHEDULER_POLL_MS the worker claims what is due (safe with
 * several replicas) and processes it. After a restart of anything, due rows are simply found on the next poll.
 * `unknown` sends are reconciled in the background through meta.whatsapp.send-outcome.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private readonly worker: DurableWorker<SendRow>;
  private reconcileTimer?: NodeJS.Timeout;
  private reconciling?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly store: SendStore,
    private readonly processor: SendProcessor,
    @Inject(SCHEDULER_SETTINGS) private readonly settings: SchedulerSettings,
  ) {
    const concurrency = settings.SEND_CONCURRENCY ?? DEFAULT_SEND_CONCURRENCY;
    const claimLeaseMs = settings.SEND_CLAIM_LEASE_MS ?? DEFAULT_CLAIM_LEASE_MS;
    this.worker = new DurableWorker<SendRow>({
      name: 'automation-service.scheduler',
      queue: new SendQueue(store, claimLeaseMs),
      handler: async (row) => {
        const outcome = await this.processor.process(row);
        const settled =
          outcome === 'retry'
            ? 'retried'
            : outcome === 'failed' || outcome === 'unknown'
              ? 'parked'
              : 'succeeded';
        return { settled };
      },
      pollMs: settings.SCHEDULER_POLL_MS,
      leaseMs: claimLeaseMs,
      batchSize: concurrency,
      concurrency,
      refillAt: Math.max(1, Math.floor(concurrency * REFILL_SHARE)),
      maxAttempts: MAX_SEND_ATTEMPTS,
      backoff: { baseMs: BASE_RETRY_DELAY_MS, maxMs: MAX_RETRY_DELAY_MS },
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
    this.scheduleReconcile();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    await this.reconciling;
    await this.worker.stop();
  }

  /** One round now: sweep expired leases, then claim and process due sends until a batch comes back short. */
  tick(): Promise<number> {
    return this.worker.runOnce();
  }

  /** One reconciliation round: ask meta-ads-service about `unknown` sends untouched for a while. */
  reconcileNow(olderThanMs = RECONCILE_AFTER_MS): Promise<number> {
    if (this.reconciling) return this.reconciling;
    this.reconciling = (async () => {
      const rows = await this.store.unknownToReconcile(RECONCILE_BATCH, olderThanMs);
      for (const row of rows) {
        try {
          await this.processor.reconcile(row);
        } catch (error) {
          this.logger.warn(`reconciling send ${row.id}: ${String(error)}`);
        }
      }
      return rows.length;
    })().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  private scheduleReconcile(): void {
    if (this.stopped) return;
    const every = Math.max(this.settings.SCHEDULER_POLL_MS, 2_000);
    this.reconcileTimer = setTimeout(() => {
      void this.reconcileNow()
        .catch((error) => this.logger.warn(`reconciliation round failed: ${String(error)}`))
        .finally(() => this.scheduleReconcile());
    }, every);
    this.reconcileTimer.unref();
  }
}
