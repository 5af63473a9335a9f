import type { NextFunction, Request, RequestHandler, Response } from 'express';

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Local runs only (PUBLIC_URL on a loopback name): a browser that opens the app as `localhost:3000` while PUBLIC_URL
 * says `127.0.0.1:3000` (or the other way round) is sent to PUBLIC_URL. Otherwise its mutations would carry an
 * Origin that is not PUBLIC_URL (403) and Meta would call back to a host without its session cookie. Only page
 * navigations (`Sec-Fetch-Mode: navigate`) of the same port are redirected, so probes and API clients are untouched;
 * a PUBLIC_URL that is not loopback disables it.
 */
export function loopbackRedirect(publicUrl: string): RequestHandler {
  const target = new URL(publicUrl);
  const enabled = LOOPBACK_HOSTS.has(target.hostname);
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return (request: Request, response: Response, next: NextFunction) => {
    if (!enabled || request.headers['sec-fetch-mode'] !== 'navigate') return next();
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    let host: URL;
    try {
      host = new URL(`${target.protocol}//${request.headers.host ?? ''}`);
    } catch {
      return next();
    }
    const requestPort = host.port || (host.protocol === 'https:' ? '443' : '80');
    if (host.hostname === target.hostname || !LOOPBACK_HOSTS.has(host.hostname) || requestPort !== port) {
      return next();
    }
    response.redirect(302, `${target.origin}${request.originalUrl}`);
  };
}
