import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import Redis from 'ioredis';
import { MetaAdsConfig } from '../config';

/**
 * One atomic reservation over both limits, on Redis' clock (replicas' clocks may differ). KEYS[1]: the number's
 * next free slot (ms), KEYS[2]: the pair's next free slot or '' for none. ARGV: slot interval of the number (ms, may be
 * fractional), pair interval (ms), longest wait allowed (ms). Returns {1, waitMs} (slot reserved, send after waitMs)
 * or {0, retryAfterMs, 'pair'|'number'} (nothing reserved).
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local pairInterval = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
if KEYS[2] ~= '' then
  local pairNext = tonumber(redis.call('GET', KEYS[2]) or '0')
  if pairNext > now then return {0, math.ceil(pairNext - now), 'pair'} end
end
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local wait = slot - now
if wait > maxWait then return {0, math.ceil(wait - maxWait), 'number'} end
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil(wait + interval) + 1000)
if KEYS[2] ~= '' and pairInterval > 0 then
  redis.call('SET', KEYS[2], tostring(slot + pairInterval), 'PX', math.ceil(wait + pairInterval) + 1000)
end
return {1, math.ceil(wait), tostring(slot + pairInterval)}
`;

/** Give a pair slot back (Meta refused the message, so the recipient got nothing): only if it is still ours. */
const RELEASE_PAIR = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Slots are handed out at 95 % of the number's throughput: Meta (and the sandbox) meter it as a bucket of one second's
 * messages, and the headroom keeps that bucket from running dry, so network jitter never meets a 130429.
 */
export const PACING_HEADROOM = 0.95;
/** A send that wakes later than this after its slot takes a new one (see `acquire`). */
export const LATE_SLOT_TOLERANCE_MS = 100;
const MAX_RESERVATIONS = 5;

export type PacingLimits = { mps: number; pairIntervalMs: number; maxWaitMs: number };

/** A reserved turn: the pair slot it holds (to give back when Meta refuses the message). */
export type PacingTicket = { pairKey: string; pairValue: string | null };

/** Why a send was held back here (never reached Meta): `details.reason` of the META_RATE_LIMITED error. */
export type PacingReason = 'meta_rate_limited' | 'meta_pair_rate_limited';

/**
 * Where WhatsApp sends leave, every replica takes its turn from Redis: at most `WHATSAPP_MPS` messages per second per
 * number (slots `1000 / (0.95 · mps)` ms apart, used on time or not at all, so no second ever holds more), and one template per
 * `WHATSAPP_PAIR_INTERVAL_MS` to the same recipient. A send waits up to `WHATSAPP_MAX_PACING_WAIT_MS` for its slot;
 * beyond that, or when its recipient had a message too recently, it is refused with META_RATE_LIMITED
 * (`details.local: true`, certainly not sent) and a precise `retryAfterMs` the scheduler paces itself by.
 */
@Injectable()
export class SendPacer implements OnApplicationShutdown {
  private readonly logger = new Logger(SendPacer.name);
  private readonly redis: Redis;

  constructor(private readonly config: MetaAdsConfig) {
    this.redis = new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    this.redis.defineCommand('reserveSendSlot', { numberOfKeys: 2, lua: RESERVE });
    this.redis.defineCommand('releasePairSlot', { numberOfKeys: 1, lua: RELEASE_PAIR });
  }

  limits(): PacingLimits {
    return {
      mps: this.config.WHATSAPP_MPS,
      pairIntervalMs: this.config.WHATSAPP_PAIR_INTERVAL_MS,
      maxWaitMs: this.config.WHATSAPP_MAX_PACING_WAIT_MS,
    };
  }

  /**
   * Wait for this message's slot on `phoneNumberId` (and, with `recipient`, its pair slot), or throw META_RATE_LIMITED.
   * Redis being unreachable is META_UNAVAILABLE before anything was sent (retried later, never sent unpaced).
   */
  async acquire(
    phoneNumberId: string,
    recipient: string | null,
    limits = this.limits(),
  ): Promise<PacingTicket> {
    for (let attempt = 1; ; attempt++) {
      const reservedAt = Date.now();
      const { ticket, waitMs } = await this.reserve(phoneNumberId, recipient, limits);
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      // Woken late (a stalled event loop or CPU): using the old slot now would bunch messages together. Give it up
      // and take a new one — an unused slot only costs throughput.
      const late = Date.now() - (reservedAt + waitMs);
      if (late <= LATE_SLOT_TOLERANCE_MS || attempt >= MAX_RESERVATIONS) return ticket;
      await this.releasePair(ticket);
    }
  }

  private async reserve(
    phoneNumberId: string,
    recipient: string | null,
    limits: PacingLimits,
  ): Promise<{ ticket: PacingTicket; waitMs: number }> {
    const numberKey = `wa:pace:number:${phoneNumberId}`;
    const pairKey = recipient ? `wa:pace:pair:${phoneNumberId}:${recipient}` : '';
    let answer: [number, number, string?];
    const commands = this.redis as unknown as {
      reserveSendSlot(...args: (string | number)[]): Promise<[number, number, string?]>;
    };
    try {
      answer = await commands.reserveSendSlot(
        numberKey,
        pairKey,
        1000 / (limits.mps * PACING_HEADROOM),
        limits.pairIntervalMs,
        limits.maxWaitMs,
      );
    } catch (error) {
      throw new DomainError('META_UNAVAILABLE', `send pacing is unavailable (redis): ${String(error)}`, {
        outcome: 'not_sent',
        local: true,
        retryAfterSeconds: 5,
      });
    }
    const [reserved, ms, which] = answer;
    if (reserved === 1)
      return { ticket: { pairKey, pairValue: pairKey ? (which ?? null) : null }, waitMs: ms };
    const reason: PacingReason = which === 'pair' ? 'meta_pair_rate_limited' : 'meta_rate_limited';
    throw new DomainError(
      'META_RATE_LIMITED',
      reason === 'meta_pair_rate_limited'
        ? 'this recipient got a message moments ago (pair rate limit); retry later'
        : "this WhatsApp number's throughput is fully booked; retry later",
      {
        reason,
        local: true,
        outcome: 'not_sent',
        retryAfterMs: ms,
        retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)),
      },
    );
  }

  /** Meta refused the message (nothing reached the recipient): free its pair slot for the retry. */
  async releasePair(ticket: PacingTicket): Promise<void> {
    if (!ticket.pairKey || !ticket.pairValue) return;
    const commands = this.redis as unknown as {
      releasePairSlot(key: string, value: string): Promise<number>;
    };
    await commands.releasePairSlot(ticket.pairKey, ticket.pairValue).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
