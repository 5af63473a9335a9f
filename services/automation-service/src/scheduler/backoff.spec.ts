import { DomainError } from '@crm/contracts';
import {
  BASE_RETRY_DELAY_MS,
  MAX_RETRY_DELAY_MS,
  MAX_SEND_ATTEMPTS,
  RETRYABLE_BEFORE_SEND,
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
