import { isIPv4, isIPv6 } from 'node:net';
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** A limit: at most `limit` attempts per fixed window of `windowMs`. */
export type LoginLimit = { name: 'account' | 'ip' | 'network'; limit: number; windowMs: number };

/**
 * Login (and sign-up) attempts allowed, shared by every gateway replica through Redis:
 * per account (the email, whatever the IP: slows a distributed guess of one password), per client IP, and per
 * network (IPv4 /24, IPv6 /64: one host rotating addresses of its block).
 */
export const LOGIN_LIMITS: readonly LoginLimit[] = [
  { name: 'account', limit: 10, windowMs: 15 * 60_000 },
  { name: 'ip', limit: 60, windowMs: 60_000 },
  { name: 'network', limit: 300, windowMs: 60_000 },
];

/** The verdict on one attempt: allowed, or refused with the seconds until the fullest window reopens. */
export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; limit: string };

/** Counts one attempt per key: `INCR`, the window's expiry set by the first, then the time left. Atomic. */
const HIT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ARGV[i]); ttl = tonumber(ARGV[i]) end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out`;

type RedisWithHit = Redis & { loginHit(...args: (string | number)[]): Promise<number[]> };

/** The network an address belongs to for the per-network limit: IPv4 /24, IPv6 /64. */
export function networkOf(ip: string): string {
  const address = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
  return address;
}

function expandIPv6(address: string): string[] {
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const missing = address.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((part) => part.toLowerCase() || '0');
}

/**
 * Fixed-window login limiter. With `REDIS_URL` the counters live in Redis (every replica sees the same counts);
 * without it (the demo) they live in this process, with a warning at start. When Redis is unreachable an attempt
 * is judged by the in-process counters rather than refused or let through unlimited.
 */
@Injectable()
export class LoginLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(LoginLimiter.name);
  private readonly redis?: RedisWithHit;
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    if (config.REDIS_URL) {
      this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 }) as RedisWithHit;
      this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
      this.redis.defineCommand('loginHit', { lua: HIT });
    } else {
      this.logger.warn(
        'REDIS_URL is not set: the login limiter counts in this process only (fine for one gateway; with several replicas set REDIS_URL)',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  /** Count an attempt for `email` from `ip` against every limit; refused if any is over. */
  async hit(email: string, ip: string): Promise<LimitVerdict> {
    const keys = this.keys(email, ip);
    const counts = await this.count(keys);
    let refused: { retryAfterSeconds: number; limit: string } | undefined;
    for (const [i, limit] of LOGIN_LIMITS.entries()) {
      const { count, ttlMs } = counts[i];
      if (count > limit.limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
        if (!refused || retryAfterSeconds > refused.retryAfterSeconds) {
          refused = { retryAfterSeconds, limit: limit.name };
        }
      }
    }
    return refused ? { allowed: false, ...refused } : { allowed: true };
  }

  /** A successful sign-in clears that account's counter only (never another account's, nor the IP's). */
  async succeeded(email: string): Promise<void> {
    const key = this.keys(email, '')[0];
    this.local.delete(key);
    await this.redis?.del(key).catch(() => undefined);
  }

  private keys(email: string, ip: string): string[] {
    // Hashed: no email in Redis.
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
    return [`login:account:${account}`, `login:ip:${ip}`, `login:net:${networkOf(ip)}`];
  }

  private async count(keys: string[]): Promise<{ count: number; ttlMs: number }[]> {
    if (this.redis) {
      try {
        const out = await this.redis.loginHit(
          keys.length,
          ...keys,
          ...LOGIN_LIMITS.map((limit) => limit.windowMs),
        );
        return keys.map((_, i) => ({ count: Number(out[2 * i]), ttlMs: Number(out[2 * i + 1]) }));
      } catch (error) {
        this.logger.warn(
          `login limiter: Redis unavailable, counting in process (${error instanceof Error ? error.message : error})`,
        );
      }
    }
    const now = Date.now();
    if (this.local.size > 100_000) this.local.clear();
    return keys.map((key, i) => {
      let entry = this.local.get(key);
      if (!entry || entry.resetAt <= now) {
        entry = { count: 0, resetAt: now + LOGIN_LIMITS[i].windowMs };
        this.local.set(key, entry);
      }
      entry.count += 1;
      return { count: entry.count, ttlMs: entry.resetAt - now };
    });
  }
}
