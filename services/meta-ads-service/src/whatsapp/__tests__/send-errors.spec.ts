import { DomainError } from '@crm/contracts';
import { MetaTransportError } from '../../graph/graph-client';
import { parseMetaError, toDomainError } from '../../graph/meta-api-error';
import { classifySendError, outcomeOfSendError } from '../sends.service';

const metaError = (httpStatus: number, code: number, extra: Record<string, unknown> = {}) =>
  toDomainError(parseMetaError(httpStatus, { error: { message: `(#${code}) x`, code, ...extra } }));

describe('WhatsApp send errors: may Meta have sent it?', () => {
  it('a 5xx, a timeout after sending, an unreadable 2xx or anything unexpected: unknown', () => {
    expect(outcomeOfSendError(metaError(500, 131000))).toBe('unknown');
    expect(outcomeOfSendError(metaError(503, 2, { is_transient: true }))).toBe('unknown');
    expect(outcomeOfSendError(new MetaTransportError('timeout', true))).toBe('unknown');
    expect(outcomeOfSendError(new DomainError('META_UNAVAILABLE', 'body is not JSON'))).toBe('unknown');
    expect(outcomeOfSendError(new Error('boom'))).toBe('unknown');
  });

  it('an error answer below 500, a refused connection, an open breaker or our pacing: not sent', () => {
    expect(outcomeOfSendError(metaError(400, 132001))).toBe('not_sent');
    expect(outcomeOfSendError(metaError(429, 130429))).toBe('not_sent');
    expect(outcomeOfSendError(metaError(401, 190))).toBe('not_sent');
    expect(outcomeOfSendError(new MetaTransportError('refused', false))).toBe('not_sent');
    expect(outcomeOfSendError(new DomainError('META_UNAVAILABLE', 'open', { breakerOpen: true }))).toBe(
      'not_sent',
    );
    expect(outcomeOfSendError(new DomainError('META_RATE_LIMITED', 'paced', { local: true }))).toBe(
      'not_sent',
    );
  });

  it('classifies by Meta code with a reason: 131056 waits ≥ 6 s, 130429 1 s without a hint, finals keep theirs', () => {
    const pair = classifySendError(metaError(400, 131056), 'not_sent');
    expect(pair.code).toBe('META_RATE_LIMITED');
    expect(pair.details).toMatchObject({
      reason: 'meta_pair_rate_limited',
      retryAfterSeconds: 6,
      outcome: 'not_sent',
    });
    const throughput = classifySendError(metaError(429, 130429), 'not_sent');
    expect(throughput.details).toMatchObject({ reason: 'meta_rate_limited', retryAfterSeconds: 1 });
    const hinted = classifySendError(
      toDomainError(parseMetaError(429, { error: { code: 130429 } }), 5),
      'not_sent',
    );
    expect(hinted.details).toMatchObject({ retryAfterSeconds: 300 });
    expect(classifySendError(metaError(400, 131026), 'not_sent').details).toMatchObject({
      reason: 'undeliverable',
    });
    expect(classifySendError(metaError(400, 132015), 'not_sent').details).toMatchObject({
      reason: 'template_not_approved',
    });
    expect(classifySendError(metaError(401, 190), 'not_sent')).toMatchObject({
      code: 'META_TOKEN_EXPIRED',
      details: expect.objectContaining({ reason: 'meta_token_expired' }),
    });
    const unknown = classifySendError(metaError(500, 131000), 'unknown');
    expect(unknown.code).toBe('META_UNAVAILABLE');
    expect(unknown.details).toMatchObject({ outcome: 'unknown', reason: 'outcome_unknown' });
  });
});
