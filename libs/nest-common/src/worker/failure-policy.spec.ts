import { DomainError } from '@crm/contracts';
import { backoffMs, classifyFailure, decideFailure, failureOf } from './failure-policy';

const backoff = { baseMs: 100, maxMs: 1000 };

describe('durable work failure policy', () => {
  it('backs off from the base, doubling per failed attempt, capped, without overflowing', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, backoff))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(5, backoff)).toBe(1000);
    expect(backoffMs(10_000, backoff)).toBe(1000);
    expect(backoffMs(0, backoff)).toBe(100);
  });

  it('calls handler bugs, invalid data and VALIDATION / NOT_FOUND permanent', () => {
    expect(classifyFailure(new TypeError("Cannot read properties of null (reading 'changes')"))).toBe(
      'permanent',
    );
    expect(classifyFailure(new RangeError('Invalid time value'))).toBe('permanent');
    expect(classifyFailure(new SyntaxError('Unexpected token'))).toBe('permanent');
    expect(classifyFailure(new DomainError('VALIDATION', 'bad'))).toBe('permanent');
    expect(classifyFailure(new DomainError('NOT_FOUND', 'gone'))).toBe('permanent');
    expect(classifyFailure(Object.assign(new Error('invalid byte sequence'), { code: '22021' }))).toBe(
      'permanent',
    );
    expect(classifyFailure(Object.assign(new Error('null value'), { code: '23502' }))).toBe('permanent');
  });

  it('calls outages, timeouts, rate limits and unknown errors transient', () => {
    expect(classifyFailure(new DomainError('UPSTREAM_TIMEOUT', 'slow'))).toBe('transient');
    expect(classifyFailure(new DomainError('META_RATE_LIMITED', 'wait'))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'transient',
    );
    expect(classifyFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      'transient',
    );
    expect(classifyFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('transient');
    expect(classifyFailure(new Error('something odd'))).toBe('transient');
  });

  it('retries a transient failure with backoff until the attempts run out, then parks it as exhausted', () => {
    const error = new DomainError('UPSTREAM_TIMEOUT', 'slow');
    expect(decideFailure(error, 1, { maxAttempts: 3, backoff })).toEqual({ action: 'retry', delayMs: 100 });
    expect(decideFailure(error, 2, { maxAttempts: 3, backoff })).toEqual({ action: 'retry', delayMs: 200 });
    expect(decideFailure(error, 3, { maxAttempts: 3, backoff })).toEqual({
      action: 'park',
      reason: 'exhausted',
    });
    expect(decideFailure(error, 500, { backoff })).toEqual({ action: 'retry', delayMs: 1000 });
  });

  it('parks a permanent failure on the first attempt', () => {
    expect(decideFailure(new TypeError('x is not iterable'), 1, { maxAttempts: 10, backoff })).toEqual({
      action: 'park',
      reason: 'permanent',
    });
  });

  it('describes a failure by code: the DomainError code, PG_ and the SQLSTATE, or the error class', () => {
    expect(failureOf(new DomainError('NOT_FOUND', 'tenant x not found'))).toEqual({
      code: 'NOT_FOUND',
      message: 'tenant x not found',
    });
    expect(failureOf(Object.assign(new Error('invalid byte sequence'), { code: '22021' })).code).toBe(
      'PG_22021',
    );
    expect(failureOf(new TypeError('boom')).code).toBe('TypeError');
    expect(failureOf(new Error('x'.repeat(5000))).message).toHaveLength(1000);
  });
});
