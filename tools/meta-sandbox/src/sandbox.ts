import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createControlRouter } from './control/control-router';
import { createGraphRouter } from './graph/graph-router';
import { createUploadRouter, uploadBody } from './graph/resumable-upload';
import { graphErrorHandler, outageGuard, requestLogAndLatency, versionPrefix } from './http/graph-middleware';
import { createOauthRouter } from './oauth/oauth-router';
import { resolveOptions, type ResolvedSandboxOptions, type SandboxOptions } from './sandbox-options';
import { SandboxState } from './state/sandbox-state';

export type ListeningSandbox = { url: string; close(): Promise<void> };

export type Sandbox = {
  app: Express;
  /** listen on `port` (0 = any free port); `close()` also cancels pending webhooks */
  listen(port: number, host?: string): Promise<ListeningSandbox>;
  state: SandboxState;
  options: ResolvedSandboxOptions;
};

/** Build the Meta sandbox: an express app serving Graph OAuth, Marketing API, Lead Ads, WhatsApp Cloud API and the
 * `/_sandbox` control API over one in-memory state. */
export const createSandbox = (options: SandboxOptions = {}): Sandbox => {
  const resolved = resolveOptions(options);
  const state = new SandboxState(resolved);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', true);
  app.use(versionPrefix(resolved.defaultApiVersion));
  app.use(uploadBody());
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use('/_sandbox', createControlRouter(state));
  app.use(requestLogAndLatency(state));
  app.use(outageGuard(state));
  app.use(createOauthRouter(state));
  app.use(createUploadRouter(state));
  app.use(createGraphRouter(state));
  app.use(graphErrorHandler(state));

  const listen = (port: number, host = '127.0.0.1'): Promise<ListeningSandbox> =>
    new Promise((resolve, reject) => {
      const server = app.listen(port, host, (error?: Error) => {
        if (error) {
          reject(error);
          return;
        }
        const address = server.address() as AddressInfo;
        const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve({
          url: `http://${hostForUrl}:${address.port}`,
          close: () =>
            new Promise<void>((done, fail) => {
              state.cancelTimers();
              server.closeAllConnections();
              server.close((closeError) => (closeError ? fail(closeError) : done()));
            }),
        });
      });
      server.on('error', reject);
      // Idle keep-alive sockets stay open longer than any client keeps them (undici: 4 s), so a client never reuses a
      // socket the server is closing at that moment (ECONNRESET) — likely under load, when the client's timers run late.
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
    });

  return { app, listen, state, options: resolved };
};
