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
import { SendProcessor } from './send-processor';

/** Sends claimed per round; a full batch means more may be due, so the next round starts at once. */
export const CLAIM_BATCH_SIZE = 20;

/**
 * `automation.sends` as a DurableWorker queue. The send's own state machine is its lease: a claim moves it
 * `scheduled` → `sending` (SendStore.claimDue, `FOR UPDATE SKIP LOCKED`), and the processor writes every next state
 * itself (sent / skipped / failed / back to scheduled with a due time) with its history row. A send whose replica
 * died mid-send is not re-sent when its "lease" (SEND_STUCK_AFTER_MS) runs out but failed as outcome unknown (a
 * duplicate WhatsApp message is worse than a missed one): `failStuck` runs before every claim.
 */
class SendQueue implements WorkQueue<SendRow> {
  private readonly logger = new Logger('SendQueue');

  constructor(
    private readonly store: SendStore,
    private readonly stuckAfterMs: number,
  ) {}

  async claim(_owner: string, limit: number): Promise<SendRow[]> {
    const stuck = await this.store.failStuck(this.stuckAfterMs);
    if (stuck > 0) this.logger.warn(`${stuck} send(s) stuck in sending without a wamid were failed`);
    return this.store.claimDue(limit);
  }

  // The processor already wrote the outcome; a thrown bookkeeping failure is settled by the stuck sweep.
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
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly worker: DurableWorker<SendRow>;

  constructor(
    store: SendStore,
    private readonly processor: SendProcessor,
    @Inject(SCHEDULER_SETTINGS) settings: SchedulerSettings,
  ) {
    this.worker = new DurableWorker<SendRow>({
      name: 'automation-service.scheduler',
      queue: new SendQueue(store, settings.SEND_STUCK_AFTER_MS),
      handler: async (row) => {
        const outcome = await this.processor.process(row);
        const settled = outcome === 'retry' ? 'retried' : outcome === 'failed' ? 'parked' : 'succeeded';
        return { settled };
      },
      pollMs: settings.SCHEDULER_POLL_MS,
      leaseMs: settings.SEND_STUCK_AFTER_MS,
      batchSize: CLAIM_BATCH_SIZE,
      maxAttempts: MAX_SEND_ATTEMPTS,
      backoff: { baseMs: BASE_RETRY_DELAY_MS, maxMs: MAX_RETRY_DELAY_MS },
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** One round now: fail stuck sends, then claim and process due ones until a batch comes back short. */
  tick(): Promise<number> {
    return this.worker.runOnce();
  }
}
