import { DomainError, type RpcErrorCode } from '@crm/contracts';

/**
 * What to do with a unit of durable work (a JetStream message, a claimed row) after it failed.
 *
 * - `permanent`: trying again cannot help, park it now. That is an invalid payload, a DomainError VALIDATION /
 *   NOT_FOUND, a PostgreSQL data error (SQLSTATE class 22, e.g. a NUL character or an out-of-range number, and
 *   23502 / 23514: a NOT NULL or CHECK constraint the data breaks), and a **handler bug**: a `TypeError`,
 *   `RangeError`, `ReferenceError` or `SyntaxError` thrown by our own code (reading a property of `null`,
 *   iterating a number, `new Date(huge).toISOString()`, `JSON.parse` of garbage). The same input would throw the
 *   same way on every delivery.
 * - `transient`: anything else (database or NATS unreachable, UPSTREAM_TIMEOUT, META_RATE_LIMITED, an RPC
 *   INTERNAL…): retried with backoff until the attempt limit, then parked as `exhausted`.
 */
export type FailureKind = 'permanent' | 'transient';

export const PERMANENT_DOMAIN_CODES: readonly RpcErrorCode[] = ['VALIDATION', 'NOT_FOUND'];

const BUG_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError];

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof DomainError)
    return PERMANENT_DOMAIN_CODES.includes(error.code) ? 'permanent' : 'transient';
  const sqlState = sqlStateOf(error);
  if (sqlState) {
    return sqlState.startsWith('22') || sqlState === '23502' || sqlState === '23514'
      ? 'permanent'
      : 'transient';
  }
  return BUG_ERRORS.some((type) => error instanceof type) ? 'permanent' : 'transient';
}

/** The SQLSTATE of a PostgreSQL error (pg's `code`, also on TypeORM's QueryFailedError), if any. */
function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export type Backoff = { baseMs: number; maxMs: number };

/** Delay before attempt `attempts + 1`: `baseMs` doubling after each failed attempt, capped at `maxMs`. */
export function backoffMs(attempts: number, backoff: Backoff): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
}

export type FailureDecision =
  { action: 'retry'; delayMs: number } | { action: 'park'; reason: 'permanent' | 'exhausted' };

/**
 * After attempt number `attempts` (1 = the first try) failed with `error`: retry later, or park. `maxAttempts`
 * counts every try; `undefined` retries transient failures forever (work that must never be given up).
 */
export function decideFailure(
  error: unknown,
  attempts: number,
  policy: { maxAttempts?: number; backoff: Backoff; classify?: (error: unknown) => FailureKind },
): FailureDecision {
  const kind = (policy.classify ?? classifyFailure)(error);
  if (kind === 'permanent') return { action: 'park', reason: 'permanent' };
  if (policy.maxAttempts !== undefined && attempts >= policy.maxAttempts) {
    return { action: 'park', reason: 'exhausted' };
  }
  return { action: 'retry', delayMs: backoffMs(attempts, policy.backoff) };
}

/** A failure as stored on a parked or retried row: a code and a one-line message (at most 1,000 characters). */
export type WorkError = { code: string; message: string };

/**
 * `{code, message}` of any thrown value: a DomainError's code (its messages are already scrubbed of secrets), `PG_`
 * and the SQLSTATE of a PostgreSQL error, else the error's class name (`TypeError`).
 */
export function failureOf(error: unknown): WorkError {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
  if (error instanceof DomainError) return { code: error.code, message };
  const sqlState = sqlStateOf(error);
  if (sqlState) return { code: `PG_${sqlState}`, message };
  return { code: error instanceof Error ? error.name : 'ERROR', message };
}

/** For logs. */
export function describeFailure(error: unknown): string {
  const { code, message } = failureOf(error);
  return `${code}: ${message}`;
}
