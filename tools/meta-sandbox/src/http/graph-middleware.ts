import type { NextFunction, Request, Response } from 'express';
import { REQUEST_LOG_LIMIT, type SandboxState } from '../state/sandbox-state';
import { GraphError, graphErrors, newTraceId } from './graph-error';

const VERSION_PREFIX = /^\/(v\d+\.\d+)(\/.*)?$/;

/** Strip an optional `/vNN.0` prefix (any path works with or without it) and set Graph's response headers. */
export const versionPrefix =
  (defaultVersion: string) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const match = VERSION_PREFIX.exec(req.url);
    let version = defaultVersion;
    if (match) {
      version = match[1];
      req.url = match[2] ?? '/';
    }
    res.locals.apiVersion = version;
    if (!req.url.startsWith('/_sandbox')) {
      res.setHeader('facebook-api-version', version);
      res.setHeader('x-fb-trace-id', newTraceId());
      res.setHeader('x-fb-request-id', newTraceId());
      res.setHeader('x-fb-rev', '1000000001');
    }
    next();
  };

/** `POST /_sandbox/outage {enabled:true}` → every Graph call answers 500 code 2 `is_transient:true`. */
export const outageGuard =
  (state: SandboxState) =>
  (req: Request, _res: Response, next: NextFunction): void => {
    if (state.outage && !req.path.startsWith('/_sandbox') && !req.path.startsWith('/dialog/'))
      throw graphErrors.outage();
    next();
  };

const isBodyParseError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'entity.parse.failed';

/** Every error leaves as Meta's envelope. */
export const graphErrorHandler =
  (state: SandboxState) =>
  (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    let graphError: GraphError;
    if (error instanceof GraphError) graphError = error;
    else if (isBodyParseError(error))
      graphError = graphErrors.invalidParameter('(#100) The request body is not valid JSON');
    else {
      state.options.log(
        `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      graphError = new GraphError({
        message: 'An unknown error has occurred.',
        code: 1,
        httpStatus: 500,
        isTransient: false,
      });
    }
    if (graphError.init.code === 190 || graphError.init.code === 104) {
      res.setHeader(
        'www-authenticate',
        `OAuth "Facebook Platform" "invalid_token" "${graphError.message.replace(/"/g, "'")}"`,
      );
    }
    res.status(graphError.httpStatus).json(graphError.toBody());
  };

const isGraphCall = (path: string): boolean =>
  !path.startsWith('/_sandbox') && !path.startsWith('/dialog/') && path !== '/favicon.ico';

/** Every Graph call is logged (`GET /_sandbox/requests`) and answered after `state.latencyMs`. */
export const requestLogAndLatency =
  (state: SandboxState) =>
  (req: Request, _res: Response, next: NextFunction): void => {
    if (!isGraphCall(req.path)) {
      next();
      return;
    }
    state.requests.push({ method: req.method, path: req.path, query: { ...req.query }, at: state.now() });
    if (state.requests.length > REQUEST_LOG_LIMIT) state.requests.shift();
    if (state.latencyMs > 0) setTimeout(next, state.latencyMs);
    else next();
  };
