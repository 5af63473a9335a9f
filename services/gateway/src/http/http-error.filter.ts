import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { toRpcErrorPayload } from '@crm/nest-common';
import type { Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import { retryAfterHeader, toHttpError } from './http-error';

/**
 * Global filter of the gateway: every error becomes `{ statusCode, code, message, details? }`.
 * Domain errors from the services keep their code (status from `HTTP_STATUS_BY_RPC_CODE`); unexpected
 * errors are logged here and answered as a bare 500 INTERNAL. A 429/503 with `details.retryAfterSeconds` also
 * carries `Retry-After`.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(error: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'http') return throwError(() => toRpcErrorPayload(error));
    const { body, internal } = toHttpError(error);
    if (internal) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    const retryAfter = retryAfterHeader(body);
    if (retryAfter) response.setHeader('Retry-After', retryAfter);
    response.status(body.statusCode).type('application/json').send(JSON.stringify(body));
  }
}
