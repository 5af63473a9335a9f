import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { CrossSiteAllowed, CrossSiteGuard, crossSiteRefusal } from './cross-site.guard';
import { GatewayHttpError, toHttpError } from './http-error';

const ORIGIN = 'http://127.0.0.1:3000';
const JSON_BODY = { 'content-type': 'application/json', 'content-length': '42' };

function refusal(method: string, headers: IncomingHttpHeaders): number | undefined {
  return crossSiteRefusal({ method, headers }, ORIGIN)?.status;
}

describe('crossSiteRefusal', () => {
  it('lets a same-origin browser mutation through (JSON, or bodiless like logout)', () => {
    const browser = { origin: ORIGIN, 'sec-fetch-site': 'same-origin' };
    expect(refusal('POST', { ...browser, ...JSON_BODY })).toBeUndefined();
    expect(
      refusal('PATCH', { ...browser, 'content-type': 'application/json; charset=utf-8' }),
    ).toBeUndefined();
    expect(refusal('POST', browser)).toBeUndefined();
    expect(refusal('POST', { ...browser, 'content-length': '0' })).toBeUndefined();
    expect(refusal('DELETE', { 'sec-fetch-site': 'none', ...JSON_BODY })).toBeUndefined();
  });

  it('never looks at GET, HEAD or OPTIONS', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(
        refusal(method, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
      ).toBeUndefined();
    }
  });

  it.each([
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/json-patch+json',
    '',
  ])('answers 415 to Content-Type %p, even from the same origin and without a body', (type) => {
    expect(refusal('POST', { origin: ORIGIN, 'content-type': type, 'content-length': '9' })).toBe(415);
    expect(refusal('POST', { origin: ORIGIN, 'content-type': type })).toBe(415);
  });

  it('takes the one extra media type a route accepts (text/csv), still only from this site', () => {
    const csv = { 'content-type': 'text/csv; charset=utf-8', 'content-length': '9' };
    const browser = { origin: ORIGIN, 'sec-fetch-site': 'same-origin' };
    expect(
      crossSiteRefusal({ method: 'POST', headers: { ...browser, ...csv } }, ORIGIN, 'text/csv'),
    ).toBeUndefined();
    expect(crossSiteRefusal({ method: 'POST', headers: { ...browser, ...csv } }, ORIGIN)?.status).toBe(415);
    expect(
      crossSiteRefusal(
        { method: 'POST', headers: { ...browser, 'content-type': 'text/plain' } },
        ORIGIN,
        'text/csv',
      )?.message,
    ).toBe('Content-Type "text/plain" is not accepted: send application/json or text/csv');
    const evil = { origin: 'https://evil.example', ...csv };
    expect(crossSiteRefusal({ method: 'POST', headers: evil }, ORIGIN, 'text/csv')?.status).toBe(403);
    expect(crossSiteRefusal({ method: 'POST', headers: csv }, ORIGIN, 'text/csv')?.status).toBe(403);
  });

  it('takes several extra media types when a route lists them (a template sample), and names them when refusing', () => {
    const samples = ['image/jpeg', 'image/png', 'video/mp4', 'application/pdf'];
    const browser = { origin: ORIGIN, 'sec-fetch-site': 'same-origin', 'content-length': '9' };
    for (const type of samples) {
      expect(
        crossSiteRefusal({ method: 'POST', headers: { ...browser, 'content-type': type } }, ORIGIN, samples),
      ).toBeUndefined();
    }
    expect(
      crossSiteRefusal(
        { method: 'POST', headers: { ...browser, 'content-type': 'image/gif' } },
        ORIGIN,
        samples,
      ),
    ).toEqual({
      status: 415,
      message:
        'Content-Type "image/gif" is not accepted: send application/json or image/jpeg, image/png, video/mp4, application/pdf',
    });
    const foreign = { ...browser, 'sec-fetch-site': 'cross-site', 'content-type': 'image/png' };
    expect(crossSiteRefusal({ method: 'POST', headers: foreign }, ORIGIN, samples)?.status).toBe(403);
  });

  it('answers 415 to a body without Content-Type', () => {
    expect(refusal('POST', { origin: ORIGIN, 'content-length': '12' })).toBe(415);
    expect(refusal('POST', { origin: ORIGIN, 'transfer-encoding': 'chunked' })).toBe(415);
  });

  it('answers 403 to Sec-Fetch-Site cross-site, same-site or an unknown value', () => {
    for (const site of ['cross-site', 'same-site', 'Cross-Site', 'whatever']) {
      expect(refusal('POST', { 'sec-fetch-site': site, ...JSON_BODY })).toBe(403);
    }
    // Same-origin by its Origin, but the browser says otherwise: the browser wins.
    expect(refusal('POST', { origin: ORIGIN, 'sec-fetch-site': 'cross-site', ...JSON_BODY })).toBe(403);
  });

  it('answers 403 to any Origin but the one of PUBLIC_URL, null included', () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'http://localhost:3000',
      'http://127.0.0.1:3001',
      'https://127.0.0.1:3000',
      'http://127.0.0.1:3000.evil.example',
    ]) {
      expect(refusal('POST', { origin, ...JSON_BODY })).toBe(403);
      expect(refusal('POST', { origin, 'sec-fetch-site': 'same-origin', ...JSON_BODY })).toBe(403);
    }
    expect(refusal('POST', { origin: 'HTTP://127.0.0.1:3000', ...JSON_BODY })).toBeUndefined();
  });

  it('lets a request with neither header through only when it is JSON', () => {
    expect(refusal('POST', JSON_BODY)).toBeUndefined();
    expect(refusal('POST', { 'content-type': 'application/json' })).toBeUndefined();
    expect(refusal('POST', {})).toBe(403);
    expect(refusal('PUT', { 'content-length': '0' })).toBe(403);
  });

  it('names what it refused without echoing control characters', () => {
    const refused = crossSiteRefusal(
      { method: 'POST', headers: { origin: 'https://evil.example\u0007' } },
      ORIGIN,
    );
    expect(refused?.message).toBe(
      'cross-site request refused: Origin "https://evil.example?" is not this site (http://127.0.0.1:3000)',
    );
  });
});

class Routes {
  mutate(): void {}

  @CrossSiteAllowed()
  webhook(): void {}
}

function contextFor(handler: keyof Routes, method: string, headers: IncomingHttpHeaders): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ method, headers }) }),
  } as unknown as ExecutionContext;
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('CrossSiteGuard', () => {
  const guard = new CrossSiteGuard(new Reflector(), { PUBLIC_URL: 'https://crm.example.com:443' });

  it('compares with the serialised origin of PUBLIC_URL (default port dropped)', () => {
    expect(
      guard.canActivate(contextFor('mutate', 'POST', { origin: 'https://crm.example.com', ...JSON_BODY })),
    ).toBe(true);
  });

  it('throws 403 FORBIDDEN and 415 in the usual error body', () => {
    const forbidden = thrown(() =>
      guard.canActivate(contextFor('mutate', 'POST', { origin: 'https://evil.example', ...JSON_BODY })),
    );
    expect(forbidden).toBeInstanceOf(GatewayHttpError);
    expect(toHttpError(forbidden).body).toEqual({
      statusCode: 403,
      code: 'FORBIDDEN',
      message:
        'cross-site request refused: Origin "https://evil.example" is not this site (https://crm.example.com)',
    });
    const form = thrown(() =>
      guard.canActivate(
        contextFor('mutate', 'POST', {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': '3',
        }),
      ),
    );
    expect(toHttpError(form).body).toMatchObject({ statusCode: 415, code: 'VALIDATION' });
  });

  it('lets @CrossSiteAllowed routes (signed webhooks) and RPC contexts through', () => {
    const headers = { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' };
    expect(guard.canActivate(contextFor('webhook', 'POST', headers))).toBe(true);
    const rpc = { getType: () => 'rpc' } as unknown as ExecutionContext;
    expect(guard.canActivate(rpc)).toBe(true);
  });
});
