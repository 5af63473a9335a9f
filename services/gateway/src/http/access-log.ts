import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * One line per request: method, path, status, duration. The query string is never logged (the OAuth callback
 * carries the authorization code in it, the webhook handshake its verify token); neither are headers or cookies.
 */
export function accessLog(logger: LoggerService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log(
        `${request.method} ${pathOf(request.originalUrl)} ${response.statusCode} ${ms.toFixed(1)}ms`,
      );
    });
    next();
  };
}

export function pathOf(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}
