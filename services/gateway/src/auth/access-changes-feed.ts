import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Rpc } from '@crm/contracts';
import { RpcClient, metricsRegistry } from '@crm/nest-common';
import { ACCESS_FEED_WINDOW_SECONDS, UserAccessCache } from './user-access';

/** One poll a second: a change reaches every replica within about that (the bound is 5 s whatever happens). */
export const ACCESS_FEED_INTERVAL_MS = 1_000;
const POLL_TIMEOUT_MS = 2_000;

const polls = new Counter({
  name: 'crm_gateway_access_feed_polls_total',
  help: 'Polls of crm.access.changes by outcome (applied, failed); while they fail, sessions are checked every 5 s',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * Polls `crm.access.changes` (request/reply, so the freshness it vouches for is measured on this replica's own clock
 * from the moment it asked, not from when another process says it looked) one at a time, about once a second, and
 * hands each answer to `UserAccessCache.applyChanges`. A failed or slow poll only lets the feed go stale: the cache
 * then trusts an answer for 5 s, as without the feed.
 */
@Injectable()
export class AccessChangesFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccessChangesFeed');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly rpc: RpcClient,
    private readonly access: UserAccessCache,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One poll, applied when answered. */
  private async poll(): Promise<void> {
    const sentAt = performance.now();
    try {
      const changes = await this.rpc.call(
        Rpc.crm.accessChanges,
        { windowSeconds: ACCESS_FEED_WINDOW_SECONDS },
        POLL_TIMEOUT_MS,
      );
      this.access.applyChanges(changes, sentAt, performance.now());
      polls.inc({ outcome: 'applied' });
      if (this.failing) this.logger.log('access changes are reaching this replica again');
      this.failing = false;
    } catch (error) {
      polls.inc({ outcome: 'failed' });
      if (!this.failing) {
        const why = error instanceof Error ? error.message : String(error);
        this.logger.warn(`cannot poll access changes (${why}): sessions are checked every 5 s until it can`);
      }
      this.failing = true;
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const started = performance.now();
      void this.poll().then(() => {
        if (!this.stopped)
          this.schedule(Math.max(0, ACCESS_FEED_INTERVAL_MS - (performance.now() - started)));
      });
    }, delayMs);
    this.timer.unref();
  }
}
