import { DomainError } from '@crm/contracts';
import {
  BASE_RETRY_DELAY_MS,
  MAX_RETRY_DELAY_MS,
  MAX_RATE_LIMITED_ATTEMPTS,
  MAX_SEND_ATTEMPTS,
  RETRYABLE_BEFORE_SEND,
  classifySendFailure,
  decideRetry,
  retryDelayMs,
} from './backoff';

describe('send retry backoff', () => {
  it('doubles from 30 s and caps at 30 min', () => {
    expect(retryDelayMs(1)).toBe(BASE_RETRY_DELAY_MS);
    expect(retryDelayMs(2)).toBe(2 * BASE_RETRY_DELAY_MS);
    expect(retryDelayMs(3)).toBe(4 * BASE_RETRY_DELAY_MS);
    expect(retryDelayMs(4)).toBe(8 * BASE_RETRY_DELAY_MS);
    expect(retryDelayMs(20)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('waits at least what Meta asked for, within the cap', () => {
    expect(retryDelayMs(1, 300)).toBe(300_000);
    expect(retryDelayMs(3, 10)).toBe(4 * BASE_RETRY_DELAY_MS);
    expect(retryDelayMs(1, 24 * 3600)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('retries rate limits, outages and timeouts until the attempts run out', () => {
    for (const code of ['META_RATE_LIMITED', 'META_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const) {
      expect(decideRetry(1, new DomainError(code, 'x'))).toEqual({
        retry: true,
        delayMs: BASE_RETRY_DELAY_MS,
      });
      expect(decideRetry(MAX_SEND_ATTEMPTS - 1, new DomainError(code, 'x')).retry).toBe(true);
      expect(decideRetry(MAX_SEND_ATTEMPTS, new DomainError(code, 'x'))).toEqual({
        retry: false,
        reason: 'exhausted',
      });
    }
  });

  it('honours retryAfterSeconds from the error details', () => {
    const error = new DomainError('META_RATE_LIMITED', 'slow down', { retryAfterSeconds: 120 });
    expect(decideRetry(1, error)).toEqual({ retry: true, delayMs: 120_000 });
  });

  it('never retries a rejection, a missing connection, an expired token or a conflict', () => {
    for (const code of [
      'META_REJECTED',
      'META_NOT_CONNECTED',
      'META_TOKEN_EXPIRED',
      'CONFLICT',
      'INTERNAL',
    ] as const) {
      expect(decideRetry(1, new DomainError(code, 'x'))).toEqual({ retry: false, reason: 'permanent' });
    }
  });

  it('before the send call, an internal failure may be retried too', () => {
    expect(decideRetry(1, new DomainError('INTERNAL', 'db'), RETRYABLE_BEFORE_SEND).retry).toBe(true);
    expect(decideRetry(1, new DomainError('VALIDATION', 'no email'), RETRYABLE_BEFORE_SEND).retry).toBe(
      false,
    );
  });
});

describe('send failures by class (issue 7)', () => {
  const err = (code: ConstructorParameters<typeof DomainError>[0], details?: Record<string, unknown>) =>
    new DomainError(code, 'x', details);

  it('anything that may have reached WhatsApp is unknown: timeout, 5xx/no wamid, in-flight or unknown conflicts', () => {
    expect(classifySendFailure(err('UPSTREAM_TIMEOUT'))).toEqual({ kind: 'unknown' });
    expect(classifySendFailure(err('META_UNAVAILABLE', { outcome: 'unknown' }))).toEqual({ kind: 'unknown' });
    expect(classifySendFailure(err('META_UNAVAILABLE'))).toEqual({ kind: 'unknown' });
    expect(classifySendFailure(err('CONFLICT', { outcome: 'in_flight' }))).toEqual({ kind: 'unknown' });
    expect(classifySendFailure(err('CONFLICT', { outcome: 'unknown' }))).toEqual({ kind: 'unknown' });
    expect(classifySendFailure(err('CONFLICT'))).toEqual({ kind: 'unknown' });
    expect(classifySendFailure(err('INTERNAL'))).toEqual({ kind: 'unknown' });
  });

  it("Meta's final errors keep their reason; a conflict for a rejected key is final too", () => {
    expect(classifySendFailure(err('META_REJECTED', { metaCode: 131026 }))).toEqual({
      kind: 'final',
      reason: 'undeliverable',
    });
    expect(classifySendFailure(err('META_REJECTED', { metaCode: 131047 }))).toEqual({
      kind: 'final',
      reason: 'window_closed',
    });
    expect(classifySendFailure(err('META_REJECTED', { metaCode: 131049 }))).toEqual({
      kind: 'final',
      reason: 'undeliverable',
    });
    expect(classifySendFailure(err('META_REJECTED', { metaCode: 132001 }))).toEqual({
      kind: 'final',
      reason: 'template_not_approved',
    });
    expect(classifySendFailure(err('META_REJECTED', { metaCode: 132000 }))).toEqual({
      kind: 'final',
      reason: 'missing_variable',
    });
    expect(classifySendFailure(err('CONFLICT', { outcome: 'failed', metaCode: 132015 }))).toEqual({
      kind: 'final',
      reason: 'template_not_approved',
    });
  });

  it('an expired token or a missing connection pauses; rate limits and "not sent" outages retry', () => {
    expect(classifySendFailure(err('META_TOKEN_EXPIRED', { metaCode: 190 }))).toEqual({ kind: 'paused' });
    expect(classifySendFailure(err('META_NOT_CONNECTED'))).toEqual({ kind: 'paused' });
    expect(classifySendFailure(err('META_RATE_LIMITED', { metaCode: 130429 }))).toEqual({
      kind: 'retry',
      reason: 'meta_rate_limited',
      local: false,
    });
    expect(
      classifySendFailure(err('META_RATE_LIMITED', { reason: 'meta_pair_rate_limited', local: true })),
    ).toEqual({ kind: 'retry', reason: 'meta_pair_rate_limited', local: true });
    expect(classifySendFailure(err('META_UNAVAILABLE', { outcome: 'not_sent' }))).toEqual({
      kind: 'retry',
      reason: 'meta_unavailable',
      local: false,
    });
  });

  it('waits: our pacing exactly as told (never exhausted), 131056 4^X s (≥ 6 s), 130429 1, 2, 4 s, hints respected', () => {
    const local = err('META_RATE_LIMITED', { local: true, retryAfterMs: 1234, retryAfterSeconds: 2 });
    expect(
      decideRetry(50, local, undefined, { kind: 'retry', reason: 'meta_rate_limited', local: true }),
    ).toEqual({
      retry: true,
      delayMs: 1234,
    });
    const pair = { kind: 'retry', reason: 'meta_pair_rate_limited', local: false } as const;
    const pairError = err('META_RATE_LIMITED', { metaCode: 131056, retryAfterSeconds: 6 });
    expect(decideRetry(1, pairError, undefined, pair)).toEqual({ retry: true, delayMs: 6_000 });
    expect(decideRetry(2, pairError, undefined, pair)).toEqual({ retry: true, delayMs: 6_000 });
    expect(decideRetry(3, pairError, undefined, pair)).toEqual({ retry: true, delayMs: 16_000 });
    expect(decideRetry(4, pairError, undefined, pair)).toEqual({ retry: true, delayMs: 64_000 });
    const throughput = { kind: 'retry', reason: 'meta_rate_limited', local: false } as const;
    const tpError = err('META_RATE_LIMITED', { metaCode: 130429, retryAfterSeconds: 1 });
    expect(decideRetry(1, tpError, undefined, throughput)).toEqual({ retry: true, delayMs: 1_000 });
    expect(decideRetry(3, tpError, undefined, throughput)).toEqual({ retry: true, delayMs: 4_000 });
    const hinted = err('META_RATE_LIMITED', { metaCode: 130429, retryAfterSeconds: 300 });
    expect(decideRetry(1, hinted, undefined, throughput)).toEqual({ retry: true, delayMs: 300_000 });
    expect(decideRetry(MAX_RATE_LIMITED_ATTEMPTS, tpError, undefined, throughput)).toEqual({
      retry: false,
      reason: 'exhausted',
    });
  });
});
