import type { NextFunction, Request, Response } from 'express';
import { containsNul, rejectNulCharacters } from './reject-nul';

function run(request: Partial<Request>): { status?: number; passed: boolean } {
  const outcome: { status?: number; passed: boolean } = { passed: false };
  const response = {
    status(code: number) {
      outcome.status = code;
      return this;
    },
    type() {
      return this;
    },
    send() {
      return this;
    },
  } as unknown as Response;
  const next: NextFunction = () => {
    outcome.passed = true;
  };
  rejectNulCharacters(
    { path: '/crm/leads', originalUrl: '/crm/leads', body: {}, ...request } as Request,
    response,
    next,
  );
  return outcome;
}

describe('NUL characters are refused at the edge', () => {
  it('finds NUL in nested strings and keys only', () => {
    expect(containsNul({ a: ['x', { b: 'y\u0000' }] })).toBe(true);
    expect(containsNul({ 'k\u0000': 1 })).toBe(true);
    expect(containsNul({ a: ['x', { b: 'y' }], n: 1, z: null })).toBe(false);
  });

  it('answers 400 for a NUL in the query or the body, and lets clean requests and webhooks through', () => {
    expect(run({ originalUrl: '/crm/leads?search=a%00b' })).toEqual({ status: 400, passed: false });
    expect(run({ body: { name: 'a\u0000b' } })).toEqual({ status: 400, passed: false });
    expect(run({ originalUrl: '/crm/leads?search=ana' })).toEqual({ passed: true });
    expect(run({ path: '/webhooks/meta', originalUrl: '/webhooks/meta', body: { x: 'a\u0000' } })).toEqual({
      passed: true,
    });
  });
});
