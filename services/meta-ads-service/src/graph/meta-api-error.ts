import { DomainError, type RpcErrorCode } from '@crm/contracts';
import { redactSecrets } from '@crm/nest-common';

/** Meta's error envelope (`{"error":{message,type,code,error_subcode,fbtrace_id,is_transient}}`), typed. */
export class MetaApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly subcode: number | undefined,
    readonly type: string | undefined,
    readonly isTransient: boolean,
    readonly fbtraceId: string | undefined,
    /** `error_user_title` / `error_user_msg`: what Meta shows the user (template validation, ad review…). */
    readonly userTitle?: string,
    readonly userMsg?: string,
  ) {
    super(message);
    this.name = 'MetaApiError';
  }
}

/** Parse an error answer; bodies that are not Meta's envelope become a code-less error (HTTP status kept). */
export function parseMetaError(
  httpStatus: number,
  body: unknown,
  secrets: readonly string[] = [],
): MetaApiError {
  const envelope =
    typeof body === 'object' && body !== null
      ? (body as { error?: Record<string, unknown> }).error
      : undefined;
  if (!envelope || typeof envelope !== 'object') {
    return new MetaApiError(
      httpStatus,
      0,
      `Meta answered HTTP ${httpStatus}`,
      undefined,
      undefined,
      httpStatus >= 500,
      undefined,
    );
  }
  const num = (value: unknown): number | undefined => {
    const n = typeof value === 'string' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  };
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return new MetaApiError(
    httpStatus,
    num(envelope.code) ?? 0,
    redactSecrets(str(envelope.message) ?? `Meta answered HTTP ${httpStatus}`, secrets),
    num(envelope.error_subcode),
    str(envelope.type),
    envelope.is_transient === true,
    str(envelope.fbtrace_id),
    str(envelope.error_user_title),
    str(envelope.error_user_msg),
  );
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613, 130429, 131056]);
const UNAVAILABLE_CODES = new Set([1, 2, 131016]);

export function isRateLimitCode(code: number): boolean {
  return RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014);
}

export function isTokenCode(code: number): boolean {
  return code === 190 || code === 102;
}

export function isPermissionCode(code: number): boolean {
  return code === 10 || (code >= 200 && code <= 299);
}

/** The DomainError code a Meta error maps to (REFERENCE §1.7, §2.5, §5.3, §7.9). */
export function domainCodeFor(error: MetaApiError): RpcErrorCode {
  const { code } = error;
  if (isTokenCode(code)) return 'META_TOKEN_EXPIRED';
  if (isPermissionCode(code)) return 'META_PERMISSION';
  if (isRateLimitCode(code)) return 'META_RATE_LIMITED';
  if (UNAVAILABLE_CODES.has(code) || error.httpStatus >= 500 || (code === 0 && error.isTransient)) {
    return 'META_UNAVAILABLE';
  }
  return 'META_REJECTED';
}

export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Map a Meta error to the typed error callers see. `regainAccessMinutes` comes from the BUC usage header. */
export function toDomainError(error: MetaApiError, regainAccessMinutes: number | null = null): DomainError {
  const code = domainCodeFor(error);
  // httpStatus: a 5xx may come after Meta acted on the request (a send's outcome is then unknown).
  const meta: Record<string, unknown> = { metaCode: error.code, httpStatus: error.httpStatus };
  if (error.subcode !== undefined) meta.metaSubcode = error.subcode;
  if (error.fbtraceId) meta.fbtraceId = error.fbtraceId;
  if (error.userTitle) meta.userTitle = error.userTitle;
  if (error.userMsg) meta.userMessage = error.userMsg;
  switch (code) {
    case 'META_TOKEN_EXPIRED':
      return new DomainError(code, 'the Meta connection has expired or was revoked; reconnect Meta', meta);
    case 'META_PERMISSION':
      return new DomainError(code, `Meta refused for lack of permission: ${error.message}`, meta);
    case 'META_RATE_LIMITED':
      return new DomainError(code, 'Meta rate limit reached; retry later', {
        ...meta,
        retryAfterSeconds:
          regainAccessMinutes && regainAccessMinutes > 0
            ? Math.ceil(regainAccessMinutes * 60)
            : DEFAULT_RETRY_AFTER_SECONDS,
        // Whether the wait comes from Meta's usage headers (a hint to respect) or is our default.
        retryHintFromMeta: Boolean(regainAccessMinutes && regainAccessMinutes > 0),
      });
    case 'META_UNAVAILABLE':
      return new DomainError(code, 'Meta is temporarily unavailable; retry later', meta);
    default:
      // Meta's words for the user when it gave them (e.g. why a template was refused), else its message.
      return new DomainError(
        'META_REJECTED',
        error.userMsg
          ? `${error.userTitle ? `${error.userTitle}: ` : ''}${error.userMsg}`
          : `Meta rejected the request: ${error.message}`,
        meta,
      );
  }
}

/** Errors that say "Meta is overloaded or down" — the only ones that trip the circuit breaker. */
export function isTransientDomainError(error: unknown): error is DomainError {
  return (
    error instanceof DomainError && (error.code === 'META_RATE_LIMITED' || error.code === 'META_UNAVAILABLE')
  );
}
