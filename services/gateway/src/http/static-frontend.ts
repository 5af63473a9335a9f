import { existsSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths the frontend never owns: the API, webhooks, docs, health and metrics. */
const BACKEND_PREFIXES = ['/crm', '/webhooks', '/api', '/health', '/metrics'];

export function isBackendPath(rawPath: string): boolean {
  const path = rawPath.toLowerCase();
  return BACKEND_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

export const FRONTEND_MISSING_TEXT =
  'CRM Ventas gateway is running, but the frontend has not been built. Run `npm run build:frontend` and reload.';

/**
 * Serve the built SPA: hashed files under `assets/` are cached for a year, everything else revalidates;
 * any other GET that is not a backend path and has no file extension gets `index.html` (client routing).
 * Without a build, `/` explains how to make one.
 */
export function staticFrontend(dist: string) {
  const root = resolve(dist);
  const index = join(root, 'index.html');
  const serveFiles = express.static(root, {
    index: false,
    redirect: false,
    setHeaders: (response, filePath) => {
      response.setHeader(
        'Cache-Control',
        filePath.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isBackendPath(request.path)) {
      next();
      return;
    }
    if (!existsSync(index)) {
      if (request.path === '/') {
        response.status(200).type('text/plain').send(FRONTEND_MISSING_TEXT);
        return;
      }
      next();
      return;
    }
    serveFiles(request, response, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      if (extname(request.path) !== '') {
        next();
        return;
      }
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile(index);
    });
  };
}
