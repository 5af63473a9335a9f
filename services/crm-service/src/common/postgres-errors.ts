import { QueryFailedError } from 'typeorm';

/** The constraint a PostgreSQL unique violation (23505) hit, else `undefined`. */
export function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' ? (driverError.constraint ?? 'unknown') : undefined;
}
