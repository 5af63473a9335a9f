import { DomainError } from '@crm/contracts';
import { isTransientDomainError, parseMetaError, toDomainError } from '../meta-api-error';

function metaError(code: number, httpStatus = 400, extra: Record<string, unknown> = {}) {
  return parseMetaError(httpStatus, {
    error: { message: `(#${code}) something`, type: 'OAuthException', code, fbtrace_id: 'AbC123', ...extra },
  });
}

describe('Meta error envelope → DomainError', () => {
  it('parses code, subcode, type, transient flag and trace id', () => {
    const error = parseMetaError(500, {
      error: {
        message: 'boom',
        type: 'OAuthException',
        code: 2,
        error_subcode: 99,
        is_transient: true,
        fbtrace_id: 'X1',
      },
    });
    expect(error).toMatchObject({
      httpStatus: 500,
      code: 2,
      subcode: 99,
      type: 'OAuthException',
      isTransient: true,
      fbtraceId: 'X1',
    });
  });

  it.each([
    [190, 'META_TOKEN_EXPIRED'],
    [102, 'META_TOKEN_EXPIRED'],
    [10, 'META_PERMISSION'],
    [200, 'META_PERMISSION'],
    [299, 'META_PERMISSION'],
    [4, 'META_RATE_LIMITED'],
    [17, 'META_RATE_LIMITED'],
    [32, 'META_RATE_LIMITED'],
    [613, 'META_RATE_LIMITED'],
    [80000, 'META_RATE_LIMITED'],
    [80004, 'META_RATE_LIMITED'],
    [80014, 'META_RATE_LIMITED'],
    [130429, 'META_RATE_LIMITED'],
    [1, 'META_UNAVAILABLE'],
    [2, 'META_UNAVAILABLE'],
    [100, 'META_REJECTED'],
    [131030, 'META_REJECTED'],
    [132000, 'META_REJECTED'],
    [132001, 'META_REJECTED'],
  ])('code %i → %s', (code, expected) => {
    const mapped = toDomainError(metaError(code));
    expect(mapped).toBeInstanceOf(DomainError);
    expect(mapped.code).toBe(expected);
    expect(mapped.details?.metaCode).toBe(code);
    expect(mapped.details?.fbtraceId).toBe('AbC123');
  });

  it('treats any HTTP 5xx (even without an envelope) as unavailable', () => {
    expect(toDomainError(parseMetaError(502, '<html>bad gateway</html>')).code).toBe('META_UNAVAILABLE');
    expect(toDomainError(metaError(100, 503)).code).toBe('META_UNAVAILABLE');
  });

  it('keeps the metaCode of template errors for callers', () => {
    expect(toDomainError(metaError(132000)).details).toMatchObject({ metaCode: 132000 });
  });

  it('derives retryAfterSeconds from estimated_time_to_regain_access minutes, else 60', () => {
    expect(toDomainError(metaError(80000), 5).details?.retryAfterSeconds).toBe(300);
    expect(toDomainError(metaError(80000), null).details?.retryAfterSeconds).toBe(60);
  });

  it('only rate limits and outages are transient (count for the circuit breaker)', () => {
    expect(isTransientDomainError(toDomainError(metaError(4)))).toBe(true);
    expect(isTransientDomainError(toDomainError(metaError(2, 500)))).toBe(true);
    expect(isTransientDomainError(toDomainError(metaError(100)))).toBe(false);
    expect(isTransientDomainError(toDomainError(metaError(190)))).toBe(false);
    expect(isTransientDomainError(new Error('x'))).toBe(false);
  });

  it('scrubs secrets that Meta echoes in its message', () => {
    const token = 'EAAB1234567890abcdefghijklmnopqrstuvwxyz';
    const error = parseMetaError(400, { error: { code: 100, message: `Invalid token ${token}` } }, [token]);
    expect(error.message).not.toContain(token);
    expect(toDomainError(error).message).not.toContain(token);
  });
});
