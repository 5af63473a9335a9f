import { RpcErrorCodes, type RpcErrorCode } from '@crm/contracts/browser';

/** Codes the gateway sends, plus the few the browser itself can observe. */
export type ApiErrorCode = RpcErrorCode | 'TOO_MANY_REQUESTS' | 'NETWORK' | 'UNKNOWN';

export type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Send `body` (a File or Blob) as it is, with this Content-Type, instead of as JSON. */
  contentType?: string;
  signal?: AbortSignal;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** `details.retryAfterSeconds` of a rate-limit error, when the gateway sent one. */
export function retryAfterSeconds(error: ApiError): number | null {
  const value = error.details?.['retryAfterSeconds'];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
  503: 'META_UNAVAILABLE',
  504: 'UPSTREAM_TIMEOUT',
};

function isKnownCode(value: unknown): value is RpcErrorCode {
  return typeof value === 'string' && (RpcErrorCodes as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** Turns a non-2xx answer (`{ statusCode, code, message, details? }`) into an `ApiError`. */
export function toApiError(status: number, body: unknown): ApiError {
  const fallbackCode = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN');
  if (!isRecord(body)) return new ApiError(status, fallbackCode, `HTTP ${status}`);
  const code = isKnownCode(body['code']) ? body['code'] : fallbackCode;
  const rawMessage = body['message'];
  const message = Array.isArray(rawMessage)
    ? rawMessage.map(String).join('; ')
    : typeof rawMessage === 'string'
      ? rawMessage
      : `HTTP ${status}`;
  const details = isRecord(body['details']) ? body['details'] : undefined;
  return new ApiError(status, code, message, details);
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** JSON fetch against the gateway: sends the session cookie and throws `ApiError` on any failure. */
export async function http<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal, contentType } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  const raw = contentType !== undefined && body instanceof Blob ? body : undefined;
  if (body !== undefined) headers['Content-Type'] = raw ? contentType! : 'application/json';

  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      headers,
      credentials: 'include',
      body: body === undefined ? undefined : (raw ?? JSON.stringify(body)),
      signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'NETWORK', cause instanceof Error ? cause.message : 'Network error');
  }

  const payload = await readBody(response);
  if (!response.ok) throw toApiError(response.status, payload);
  return payload as T;
}
