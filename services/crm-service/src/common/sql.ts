import type { EntityManager } from 'typeorm';

/** Anything with `query(sql, params)`: a TypeORM EntityManager/DataSource or a `pg` client. */
export type SqlRunner = { query(sql: string, parameters?: unknown[]): Promise<unknown> };

/**
 * Run an `UPDATE ... RETURNING` and get its rows. (TypeORM's `query()` answers `[rows, rowCount]` for UPDATE and
 * DELETE on PostgreSQL, but just `rows` for SELECT and INSERT.)
 */
export async function updateReturning<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  if (!/^\s*UPDATE\b/i.test(sql)) throw new Error('updateReturning is for UPDATE statements');
  const [rows] = (await manager.query(sql, parameters)) as [T[], number];
  return rows;
}
