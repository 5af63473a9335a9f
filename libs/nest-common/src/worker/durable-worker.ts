import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../metrics';
import {
  decideFailure,
  describeFailure,
  failureOf,
  type Backoff,
  type FailureKind,
  type WorkError,
} from './failure-policy';

/**
 * Where a durable worker's rows live. `LeasedTable` implements it for any table with the lease columns of
 * `leaseColumnsSql`; a table with a state machine of its own (automation's `sends`) implements it itself.
 */
export type WorkQueue<Row> = {
  /**
   * Take up to `limit` due rows for `owner` until now + `leaseMs` (`FOR UPDATE SKIP LOCKED`; a row whose lease
   * has not expired is never returned), counting one more attempt on each.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<Row[]>;
  /** The row is done (delete it or mark it finished). Only while `owner` still holds its lease. */
  complete(row: Row, owner: string): Promise<void>;
  /** `complete` for several rows in one statement (one commit); used with `completeInBatches`. */
  completeMany?(rows: Row[], owner: string): Promise<void>;
  /** Release the row and make it due again after `delayMs`. */
  retry(row: Row, owner: string, delayMs: number, error: WorkError): Promise<void>;
  /** Give up on the row: keep it, out of the queue, with the error (for ops to look at). */
  park(row: Row, owner: string, error: WorkError): Promise<void>;
  /** Release every lease `owner` still holds (graceful shutdown), so another replica can take the rows at once. */
  release(owner: string): Promise<void>;
  /** The attempt number of the claimed row (1 = first try). */
  attempts(row: Row): number;
  /** For logs only. */
  describe(row: Row): string;
};

/**
 * What a handler says about a row. `done` completes it; `retry` and `park` are decisions the handler made itself
 * (e.g. Meta asked to wait); `settled` means the handler already wrote the row's next state itself (a table with a
 * state machine of its own) and the worker only counts it. Throwing lets the worker decide (see `decideFailure`).
 */
export type WorkResult =
  | 'done'
  | { retryInMs: number; error: WorkError }
  | { park: WorkError }
  | { settled: 'succeeded' | 'retried' | 'parked' };

export type DurableWorkerOptions<Row> = {
  /** Metric label and log name, e.g. `crm-service.outbox`. */
  name: string;
  queue: WorkQueue<Row>;
  handler: (row: Row) => Promise<WorkResult>;
  /** How often to look for due rows when idle. A full batch is followed by another claim at once. */
  pollMs: number;
  /** How long a claimed row stays ours. Longer than the slowest handler; a crashed replica's rows return after it. */
  leaseMs: number;
  batchSize?: number;
  /** Rows of one batch handled at once (default 1: in claim order). */
  concurrency?: number;
  /**
   * Mark the rows of a claimed batch done together, in one commit after all of them were handled (the queue must
   * implement `completeMany`), instead of one commit per row. For handlers whose effect is idempotent (the outbox:
   * a row published again after a crash is deduplicated by the stream), since a crash before that commit handles
   * the whole batch again.
   */
  completeInBatches?: boolean;
  /**
   * Claim more rows as soon as this many lanes are free, instead of when the whole batch is done: up to
   * `concurrency` rows stay in flight, so a batch's slowest rows (e.g. sends waiting their turn at a paced API) never
   * leave the other lanes idle. Each claim takes as many rows as there are free lanes (`batchSize` is not used).
   * Not with `completeInBatches`. Default: batch after batch.
   */
  refillAt?: number;
  /** Attempts before a transiently failing row is parked; `undefined` retries forever. */
  maxAttempts?: number;
  backoff: Backoff;
  classify?: (error: unknown) => FailureKind;
};

const claimed = new Counter({
  name: 'crm_worker_claimed_total',
  help: 'Rows claimed by durable workers',
  labelNames: ['worker'] as const,
  registers: [metricsRegistry],
});
const outcomes = new Counter({
  name: 'crm_worker_outcomes_total',
  help: 'Rows handled by durable workers, by outcome (succeeded, retried, parked)',
  labelNames: ['worker', 'outcome'] as const,
  registers: [metricsRegistry],
});
const inFlight = new Gauge({
  name: 'crm_worker_in_flight',
  help: 'Rows being handled by durable workers right now',
  labelNames: ['worker'] as const,
  registers: [metricsRegistry],
});

/** Identifies this process's leases: host, pid and a random suffix (two workers in one process differ). */
export function leaseOwnerId(name: string): string {
  return `${name}@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * One loop for every kind of durable background work: claim due rows with a lease, run the handler for each,
 * then complete / retry with backoff / park. Safe with any number of replicas (the queue's claim skips locked
 * and leased rows). `stop()` stops claiming, waits for in-flight rows and releases what is left.
 */
export class DurableWorker<Row> {
  readonly owner: string;
  readonly name: string;
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private again = false;
  private started = false;
  private stopped = false;
  private lastFailure?: string;

  constructor(private readonly options: DurableWorkerOptions<Row>) {
    this.name = options.name;
    this.owner = leaseOwnerId(options.name);
    this.logger = new Logger(options.name);
  }

  /** Poll every `pollMs` from now on (`runOnce` and `kick` also work without it, until `stop`). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /** Look for due rows now instead of at the next poll (e.g. right after a commit that added one). */
  kick(): void {
    if (this.stopped) return;
    void this.runOnce();
  }

  /**
   * One round: claim and handle batches until one comes back short. Rounds never overlap; a call during a round
   * makes another one run right after it. Resolves with the number of rows handled by this call's round(s).
   */
  runOnce(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let handled = 0;
      try {
        do {
          this.again = false;
          handled += await this.drain();
        } while (this.again && !this.stopped);
        if (this.lastFailure) {
          this.logger.log('claiming again after a failure');
          this.lastFailure = undefined;
        }
      } catch (error) {
        this.reportFailure(error);
      } finally {
        this.running = undefined;
      }
      return handled;
    })();
    return this.running;
  }

  /** Stop claiming, wait for the rows in flight, release the leases still held. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    try {
      await this.options.queue.release(this.owner);
    } catch (error) {
      this.logger.warn(`could not release leases (they expire by themselves): ${describeFailure(error)}`);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.schedule(this.options.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<number> {
    if (this.options.refillAt !== undefined && !this.options.completeInBatches) {
      return this.drainRolling(this.options.refillAt);
    }
    const batchSize = this.options.batchSize ?? 20;
    let handled = 0;
    while (!this.stopped) {
      const rows = await this.options.queue.claim(this.owner, batchSize, this.options.leaseMs);
      if (rows.length === 0) break;
      claimed.inc({ worker: this.options.name }, rows.length);
      await this.handleAll(rows);
      handled += rows.length;
      if (rows.length < batchSize) break;
    }
    return handled;
  }

  /** `drain` with `refillAt`: rows in flight topped up to `concurrency` whenever `refillAt` lanes are free. */
  private async drainRolling(refillAt: number): Promise<number> {
    const concurrency = Math.max(1, this.options.concurrency ?? 1);
    const threshold = Math.min(concurrency, Math.max(1, refillAt));
    const running = new Set<Promise<void>>();
    let handled = 0;
    try {
      while (!this.stopped) {
        const free = concurrency - running.size;
        const rows = await this.options.queue.claim(this.owner, free, this.options.leaseMs);
        if (rows.length > 0) claimed.inc({ worker: this.options.name }, rows.length);
        for (const row of rows) {
          // `handleOne` never rejects: every outcome (and bookkeeping failure) is dealt with inside.
          const handling: Promise<void> = this.handleOne(row).finally(() => running.delete(handling));
          running.add(handling);
        }
        handled += rows.length;
        if (rows.length < free) break;
        while (concurrency - running.size < threshold) await Promise.race(running);
      }
    } finally {
      // Every claimed row is handled, even after stop() or a failed claim.
      await Promise.all(running);
    }
    return handled;
  }

  private async handleAll(rows: Row[]): Promise<void> {
    const concurrency = Math.max(1, this.options.concurrency ?? 1);
    const batched = this.options.completeInBatches === true && this.options.queue.completeMany !== undefined;
    const done: Row[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < rows.length) {
        // Every claimed row is handled, even after stop(): it waits for them (in flight = the claimed batch).
        await this.handleOne(rows[next++], batched ? done : undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
    if (done.length === 0) return;
    try {
      await this.options.queue.completeMany!(done, this.owner);
      outcomes.inc({ worker: this.options.name, outcome: 'succeeded' }, done.length);
    } catch (error) {
      // Bookkeeping failed (database down): the leases expire and the rows are handled again (idempotent).
      this.reportFailure(error);
    }
  }

  /** Handle one row; with `done`, a row whose handler said `done` is collected there instead of completed now. */
  private async handleOne(row: Row, done?: Row[]): Promise<void> {
    const { queue, name } = this.options;
    inFlight.inc({ worker: name });
    try {
      let result: WorkResult;
      try {
        result = await this.options.handler(row);
      } catch (error) {
        const attempts = queue.attempts(row);
        const decision = decideFailure(error, attempts, this.options);
        const failure = failureOf(error);
        if (decision.action === 'retry') {
          result = { retryInMs: decision.delayMs, error: failure };
        } else {
          const why = decision.reason === 'exhausted' ? `gave up after ${attempts} attempts: ` : '';
          result = { park: { code: failure.code, message: `${why}${failure.message}` } };
        }
      }
      if (typeof result === 'object' && 'settled' in result) {
        outcomes.inc({ worker: name, outcome: result.settled });
      } else if (result === 'done' && done) {
        done.push(row);
      } else if (result === 'done') {
        await queue.complete(row, this.owner);
        outcomes.inc({ worker: name, outcome: 'succeeded' });
      } else if ('retryInMs' in result) {
        this.logger.warn(
          `${queue.describe(row)}: retry in ${result.retryInMs} ms: ${result.error.code}: ${result.error.message}`,
        );
        await queue.retry(row, this.owner, result.retryInMs, result.error);
        outcomes.inc({ worker: name, outcome: 'retried' });
      } else {
        this.logger.error(`${queue.describe(row)}: parked: ${result.park.code}: ${result.park.message}`);
        await queue.park(row, this.owner, result.park);
        outcomes.inc({ worker: name, outcome: 'parked' });
      }
    } catch (error) {
      // Bookkeeping failed (database down): the lease expires and the row is claimed again.
      this.reportFailure(error);
    } finally {
      inFlight.dec({ worker: name });
    }
  }

  /** Logs a failure once per distinct message, not every poll while the database is down. */
  private reportFailure(error: unknown): void {
    const message = describeFailure(error);
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    this.logger.warn(`paused, will retry: ${message}`);
  }
}
