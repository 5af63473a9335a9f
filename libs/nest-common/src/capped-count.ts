import { LIST_TOTAL_CAP, type CappedTotal } from '@crm/contracts';

/**
 * SQL counting the rows of `fromWhere` (what follows `FROM`: a table or CTE, joins, `WHERE …`) up to `cap + 1`, then
 * stopping, as `total`: `SELECT count(*)::int AS total FROM (SELECT FROM … LIMIT cap + 1) capped`. Read its result
 * with `cappedTotal`. Use it where an offset list would otherwise run an exact `count(*)` on every request.
 */
export function cappedCountSql(fromWhere: string, cap: number = LIST_TOTAL_CAP): string {
  if (!Number.isInteger(cap) || cap < 0) throw new RangeError(`cap must be a whole number ≥ 0, not ${cap}`);
  return `SELECT count(*)::int AS total FROM (SELECT FROM ${fromWhere} LIMIT ${cap + 1}) capped`;
}

/** The list's `CappedTotal` from what `cappedCountSql` counted (at most `cap + 1`). */
export function cappedTotal(counted: number, cap: number = LIST_TOTAL_CAP): CappedTotal {
  return { total: Math.min(counted, cap), totalCapped: counted > cap };
}
