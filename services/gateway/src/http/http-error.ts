import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, HTTP_STATUS_BY_RPC_CODE, type RpcErrorCode } from '@crm/contracts';

/** Codes the gateway itself answers with on top of `RpcErrorCodes` (the frontend knows them). */
export type GatewayErrorCode = RpcErrorCode | 'TOO_MANY_REQUESTS';

/** The JSON body of every gateway error. */
export type HttpErrorBody = {
  statusCode: number;
  code: GatewayErrorCode;
  message: string;
  details?: Record<string, unknown>;
};

const CODE_BY_STATUS: Partial<Record<number, GatewayErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'VALIDATION',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHORIZED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'NOT_FOUND',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'VALIDATION',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'VALIDATION',
  [HttpStatus.TOO_MANY_REQUESTS]: 'TOO_MANY_REQUESTS',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'META_UNAVAILABLE',
  [HttpStatus.GATEWAY_TIMEOUT]: 'UPSTREAM_TIMEOUT',
};

/** An HTTP error the gateway raises itself with an explicit code (e.g. 429 with `retryAfterSeconds`). */
export class GatewayHttpError extends HttpException {
  constructor(status: number, code: GatewayErrorCode, message: string, details?: Record<string, unknown>) {
    super(details ? { code, message, details } : { code, message }, status);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codeForStatus(status: number): GatewayErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION');
}

/**
 * The `Retry-After` header (seconds) an error answer carries: its `details.retryAfterSeconds` on a 429 or 503
 * (e.g. `REPORT_PREPARING`, a Meta rate limit), else none.
 */
export function retryAfterHeader(body: HttpErrorBody): string | null {
  if (body.statusCode !== 429 && body.statusCode !== 503) return null;
  const seconds = body.details?.['retryAfterSeconds'];
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? String(Math.ceil(seconds))
    : null;
}

/** Errors thrown by Express middleware (body-parser) carry `status`/`statusCode` and `expose`. */
type MiddlewareError = Error & { status?: number; statusCode?: number; expose?: boolean; type?: string };

/**
 * Map anything thrown while serving a request to the error body and status the browser sees.
 * `internal: true` means the error was unexpected and must be logged (its text is never sent).
 */
export function toHttpError(error: unknown): { body: HttpErrorBody; internal: boolean } {
  if (error instanceof DomainError) {
    const statusCode = HTTP_STATUS_BY_RPC_CODE[error.code] ?? 500;
    const body: HttpErrorBody = { statusCode, code: error.code, message: error.message };
    if (error.details) body.details = error.details;
    return { body, internal: error.code === 'INTERNAL' };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    const response = error.getResponse();
    let code = codeForStatus(statusCode);
    let message = error.message;
    let details: Record<string, unknown> | undefined;
    if (isRecord(response)) {
      if (typeof response.code === 'string') code = response.code as GatewayErrorCode;
      if (typeof response.message === 'string') message = response.message;
      if (Array.isArray(response.message)) message = response.message.map(String).join('; ');
      if (isRecord(response.details)) details = response.details;
    } else if (typeof response === 'string') {
      message = response;
    }
    if (statusCode >= 500 && code === 'INTERNAL') {
      return { body: { statusCode, code, message: 'internal error' }, internal: true };
    }
    return {
      body: details ? { statusCode, code, message, details } : { statusCode, code, message },
      internal: false,
    };
  }
  const middleware = error as MiddlewareError | undefined;
  const status = middleware?.status ?? middleware?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && middleware?.expose !== false) {
    const message =
      middleware?.type === 'entity.parse.failed'
        ? 'body is not valid JSON'
        : middleware?.type === 'entity.too.large'
          ? 'body is too large'
          : (middleware?.message ?? 'bad request');
    return { body: { statusCode: status, code: codeForStatus(status), message }, internal: false };
  }
  return { body: { statusCode: 500, code: 'INTERNAL', message: 'internal error' }, internal: true };
}
