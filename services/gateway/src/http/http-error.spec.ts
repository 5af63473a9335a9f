import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { DomainError, HTTP_STATUS_BY_RPC_CODE, RpcErrorCodes } from '@crm/contracts';
import { GatewayHttpError, retryAfterHeader, toHttpError } from './http-error';

describe('toHttpError', () => {
  it.each(RpcErrorCodes)('maps DomainError %s to its HTTP status and keeps the code', (code) => {
    const { body } = toHttpError(new DomainError(code, 'something happened'));
    expect(body).toEqual({ statusCode: HTTP_STATUS_BY_RPC_CODE[code], code, message: 'something happened' });
  });

  it('passes details through (e.g. retryAfterSeconds of a Meta rate limit)', () => {
    const { body, internal } = toHttpError(
      new DomainError('META_RATE_LIMITED', 'Meta is rate limiting', { retryAfterSeconds: 60 }),
    );
    expect(body).toEqual({
      statusCode: 503,
      code: 'META_RATE_LIMITED',
      message: 'Meta is rate limiting',
      details: { retryAfterSeconds: 60 },
    });
    expect(internal).toBe(false);
  });

  it('answers REPORT_PREPARING as 503 with its progress, and Retry-After from retryAfterSeconds', () => {
    const { body, internal } = toHttpError(
      new DomainError('REPORT_PREPARING', 'preparing', { retryAfterSeconds: 4.2, leadsRead: 120_000 }),
    );
    expect(body.statusCode).toBe(503);
    expect(body.details).toEqual({ retryAfterSeconds: 4.2, leadsRead: 120_000 });
    expect(internal).toBe(false);
    expect(retryAfterHeader(body)).toBe('5');
    expect(retryAfterHeader({ ...body, details: {} })).toBeNull();
    expect(retryAfterHeader({ ...body, statusCode: 409 })).toBeNull();
  });

  it('maps Nest HTTP exceptions to the same shape', () => {
    expect(toHttpError(new BadRequestException(['a must be a string', 'b is required'])).body).toEqual({
      statusCode: 400,
      code: 'VALIDATION',
      message: 'a must be a string; b is required',
    });
    expect(toHttpError(new ForbiddenException('your role cannot use this module')).body).toEqual({
      statusCode: 403,
      code: 'FORBIDDEN',
      message: 'your role cannot use this module',
    });
    expect(toHttpError(new NotFoundException('Cannot GET /x')).body.code).toBe('NOT_FOUND');
  });

  it('keeps the explicit code of a GatewayHttpError (429 with retryAfterSeconds)', () => {
    expect(
      toHttpError(new GatewayHttpError(429, 'TOO_MANY_REQUESTS', 'slow down', { retryAfterSeconds: 42 }))
        .body,
    ).toEqual({
      statusCode: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'slow down',
      details: { retryAfterSeconds: 42 },
    });
  });

  it('maps body-parser failures to 4xx, never 500', () => {
    const parse = Object.assign(new Error('Unexpected token } in JSON'), {
      status: 400,
      expose: true,
      type: 'entity.parse.failed',
    });
    expect(toHttpError(parse)).toEqual({
      body: { statusCode: 400, code: 'VALIDATION', message: 'body is not valid JSON' },
      internal: false,
    });
    const large = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(toHttpError(large).body).toEqual({
      statusCode: 413,
      code: 'VALIDATION',
      message: 'body is too large',
    });
  });

  it('hides unknown errors behind 500 INTERNAL and flags them for the log', () => {
    expect(toHttpError(new TypeError('cannot read properties of undefined (secret stuff)'))).toEqual({
      body: { statusCode: 500, code: 'INTERNAL', message: 'internal error' },
      internal: true,
    });
    expect(toHttpError('a string').body.code).toBe('INTERNAL');
  });
});
