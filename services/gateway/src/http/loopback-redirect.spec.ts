import type { Request, Response } from 'express';
import { loopbackRedirect } from './loopback-redirect';

type Outcome = { redirect?: string; passed: boolean };

function run(
  publicUrl: string,
  request: { host: string; mode?: string; method?: string; url?: string },
): Outcome {
  const outcome: Outcome = { passed: false };
  const response = {
    redirect(status: number, location: string) {
      outcome.redirect = `${status} ${location}`;
    },
  } as unknown as Response;
  loopbackRedirect(publicUrl)(
    {
      method: request.method ?? 'GET',
      originalUrl: request.url ?? '/marketing?tab=roi',
      headers: { host: request.host, 'sec-fetch-mode': request.mode ?? 'navigate' },
    } as unknown as Request,
    response,
    () => {
      outcome.passed = true;
    },
  );
  return outcome;
}

describe('loopbackRedirect', () => {
  it('sends a page opened on another loopback name of the same port to PUBLIC_URL', () => {
    expect(run('http://127.0.0.1:3000', { host: 'localhost:3000' })).toEqual({
      passed: false,
      redirect: '302 http://127.0.0.1:3000/marketing?tab=roi',
    });
    expect(run('http://localhost:3000', { host: '127.0.0.1:3000', url: '/' })).toEqual({
      passed: false,
      redirect: '302 http://localhost:3000/',
    });
    expect(run('http://127.0.0.1:3000', { host: '[::1]:3000', url: '//evil.example/x' })).toEqual({
      passed: false,
      redirect: '302 http://127.0.0.1:3000//evil.example/x',
    });
  });

  it('leaves alone the PUBLIC_URL host, other hosts and ports, API calls, probes and non-GET requests', () => {
    const passed = { passed: true };
    expect(run('http://127.0.0.1:3000', { host: '127.0.0.1:3000' })).toEqual(passed);
    expect(run('http://127.0.0.1:3000', { host: 'localhost:3001' })).toEqual(passed);
    expect(run('http://127.0.0.1:3000', { host: 'crm.example.com:3000' })).toEqual(passed);
    expect(run('http://127.0.0.1:3000', { host: 'localhost:3000', mode: 'cors' })).toEqual(passed);
    expect(run('http://127.0.0.1:3000', { host: 'localhost:3000', mode: '' })).toEqual(passed);
    expect(run('http://127.0.0.1:3000', { host: 'localhost:3000', method: 'POST' })).toEqual(passed);
    expect(run('http://127.0.0.1:3000', { host: 'bad host' })).toEqual(passed);
  });

  it('is off when PUBLIC_URL is not a loopback address', () => {
    expect(run('https://crm.example.com', { host: 'localhost:443' })).toEqual({ passed: true });
  });
});
