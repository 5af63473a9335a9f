import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SCHEDULER_SETTINGS, type SchedulerSettings } from '../config';
import { SendStore } from '../sends/send-store';
import { SendProcessor } from './send-processor';

/** Sends claimed per round; a full batch means more may be due, so the next round starts at once. */
export const CLAIM_BATCH_SIZE = 20;

/**
 * The schedule is the `sends` table, not a timer: every SCHEDULER_POLL_MS this claims what is due (safe with
 * several replicas: `FOR UPDATE SKIP LOCKED`) and processes it. After a restart of anything, due rows are
 * simply found on the next poll. It also fails sends stuck in `sending` without a wamid (crash mid-send).
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: SendStore,
    private readonly processor: SendProcessor,
    @Inject(SCHEDULER_SETTINGS) private readonly settings: SchedulerSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: fail stuck sends, then claim and process due ones until a batch comes back short. */
  async tick(): Promise<number> {
    let processed = 0;
    const stuck = await this.store.failStuck(this.settings.SEND_STUCK_AFTER_MS);
    if (stuck > 0) this.logger.warn(`${stuck} send(s) stuck in sending without a wamid were failed`);
    while (!this.stopped) {
      const claimed = await this.store.claimDue(CLAIM_BATCH_SIZE);
      for (const row of claimed) {
        try {
          await this.processor.process(row);
        } catch (error) {
          // Only bookkeeping can fail here (the processor maps every RPC error); the stuck sweep settles the row.
          this.logger.error(`send ${row.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
        processed += 1;
      }
      if (claimed.length < CLAIM_BATCH_SIZE) break;
    }
    return processed;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.logger.error(
            `scheduler round failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(this.settings.SCHEDULER_POLL_MS);
        });
    }, delayMs);
  }
}
