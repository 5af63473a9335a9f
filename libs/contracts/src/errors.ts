/** Typed errors that travel over NATS (as the RpcException payload) and map to one HTTP status in the gateway. */
export const RpcErrorCodes = [
  'VALIDATION',
  'UNAUTHORIZED',
  /** Right password, but the ceo deactivated the account (login and existing sessions are refused). */
  'ACCOUNT_DISABLED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'META_NOT_CONNECTED',
  'META_TOKEN_EXPIRED',
  'META_PERMISSION',
  'META_RATE_LIMITED',
  'META_UNAVAILABLE',
  'META_REJECTED',
  'UPSTREAM_TIMEOUT',
  /**
   * The Marketing Hub's read model of the tenant is still being built (first report of a large tenant): try again
   * after `details.retryAfterSeconds`; `details.leadsRead` says how far the build got.
   */
  'REPORT_PREPARING',
  'INTERNAL',
] as const;
export type RpcErrorCode = (typeof RpcErrorCodes)[number];

export type RpcErrorPayload = {
  code: RpcErrorCode;
  message: string;
  /** Extra machine-readable detail, e.g. `{ retryAfterSeconds: 60 }` or `{ metaCode: 132001 }`. Never secrets. */
  details?: Record<string, unknown>;
};

export const HTTP_STATUS_BY_RPC_CODE: Record<RpcErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  ACCOUNT_DISABLED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  META_NOT_CONNECTED: 409,
  META_TOKEN_EXPIRED: 409,
  META_PERMISSION: 409,
  META_REJECTED: 422,
  META_RATE_LIMITED: 503,
  META_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  REPORT_PREPARING: 503,
  INTERNAL: 500,
};

export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { code?: unknown; message?: unknown };
  return (
    typeof candidate.message === 'string' &&
    typeof candidate.code === 'string' &&
    (RpcErrorCodes as readonly string[]).includes(candidate.code)
  );
}

/** A domain error any service may throw; the RPC layer serialises it to `RpcErrorPayload`. */
export class DomainError extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toPayload(): RpcErrorPayload {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}
