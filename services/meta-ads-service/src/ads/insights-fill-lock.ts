import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { MetaAdsConfig } from '../config';

/** A fill (paging Meta, syncing the catalogue) that takes longer than this loses the lock: another may start one. */
export const FILL_LOCK_TTL_MS = 60_000;
/** How long a request waits for another replica's fill before filling itself. */
export const FILL_WAIT_MS = 30_000;
const POLL_MS = 25;

/** Delete the lock only if it is still ours (it may have expired and been taken by another filler). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type RedisWithRelease = Redis & { releaseFillLock(key: string, token: string): Promise<number> };

/** A fill's answer, and the write that makes it readable by the others (settled: stored or given up). */
export type Filled<T> = { value: T; stored: Promise<unknown> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Single flight of an insights cache fill across replicas: one request per key holds a Redis lock (`SET NX PX`)
 * while it asks Meta; the others wait for the lock to go, then read what it stored. When Redis is unreachable
 * every request fills on its own (slower, never wrong).
 */
@Injectable()
export class InsightsFillLock implements OnApplicationShutdown {
  private readonly logger = new Logger(InsightsFillLock.name);
  private readonly redis: RedisWithRelease;

  constructor(config: MetaAdsConfig) {
    this.redis = new Redis(config.REDIS_URL, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
    }) as RedisWithRelease;
    this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    this.redis.defineCommand('releaseFillLock', { numberOfKeys: 1, lua: RELEASE });
  }

  /**
   * `fill()` unless another request (any replica) is filling `key`: then wait for it and answer `reuse()` (what it
   * stored). `reuse()` is also asked right after taking the lock, for a fill that finished just before. A fill
   * answers as soon as it has its value; the lock is released only once its `stored` settles, so whoever waited for
   * the lock reads what was stored.
   */
  async singleFlight<T>(
    key: string,
    reuse: () => Promise<T | null>,
    fill: () => Promise<Filled<T>>,
  ): Promise<T> {
    const lockKey = `meta:insights:fill:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + FILL_WAIT_MS;
    for (;;) {
      let acquired: boolean;
      try {
        acquired = (await this.redis.set(lockKey, token, 'PX', FILL_LOCK_TTL_MS, 'NX')) === 'OK';
      } catch (error) {
        this.logger.warn(
          `no single flight for ${key}: ${error instanceof Error ? error.message : String(error)}`,
        );
        return (await fill()).value;
      }
      if (acquired) {
        let stored: Promise<unknown> = Promise.resolve();
        try {
          const reused = await reuse();
          if (reused) return reused;
          const filled = await fill();
          stored = filled.stored;
          return filled.value;
        } finally {
          void stored
            .catch(() => undefined)
            .then(() => this.redis.releaseFillLock(lockKey, token))
            .catch(() => undefined);
        }
      }
      while (Date.now() < deadline && (await this.redis.exists(lockKey).catch(() => 0)) === 1) {
        await sleep(POLL_MS);
      }
      const stored = await reuse();
      if (stored) return stored;
      // The other fill failed (Meta down?) or is taking too long: try ourselves.
      if (Date.now() >= deadline) return (await fill()).value;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
