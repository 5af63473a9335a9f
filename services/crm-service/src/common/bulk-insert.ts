import type { SqlRunner } from './sql';

/** PostgreSQL accepts at most 65,535 parameters per statement; stay well below. */
const MAX_PARAMETERS = 30_000;

/** Multi-row INSERTs of `rows` into `table`, as few statements as the parameter limit allows. */
export async function bulkInsert(
  db: SqlRunner,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const tuples = chunk.map(
      (_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
    );
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, chunk.flat());
  }
}
