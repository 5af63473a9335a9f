import { Injectable } from '@nestjs/common';
import type { FxRateView } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import type { FxRateRow } from './fx-csv';

type Row = { id: string; day: string; from: string; to: string; rate: string; created_at: Date };

const SELECT = `SELECT id, to_char(day, 'YYYY-MM-DD') AS day, from_currency AS "from", to_currency AS "to",
  rate::text AS rate, created_at FROM marketing.fx_rates`;

const toView = (row: Row): FxRateView => ({
  id: row.id,
  day: row.day,
  from: row.from,
  to: row.to,
  rate: Number(row.rate),
  createdAt: row.created_at.toISOString(),
});

/** `marketing.fx_rates`: every read and write, in the caller's tenant-scoped transaction. */
@Injectable()
export class FxRateStore {
  async list(db: EntityManager, tenantId: string, from?: string, to?: string): Promise<FxRateView[]> {
    const rows: Row[] = await db.query(
      `${SELECT} WHERE tenant_id = $1 AND ($2::text IS NULL OR from_currency = $2)
                 AND ($3::text IS NULL OR to_currency = $3)
        ORDER BY from_currency, to_currency, day DESC`,
      [tenantId, from ?? null, to ?? null],
    );
    return rows.map(toView);
  }

  /** Insert or replace the rates of (pair, day); how many were new and how many replaced. */
  async upsert(
    db: EntityManager,
    tenantId: string,
    rates: readonly FxRateRow[],
  ): Promise<{ views: FxRateView[]; imported: number; updated: number }> {
    const rows: (Row & { inserted: boolean })[] = await db.query(
      `INSERT INTO marketing.fx_rates AS r (tenant_id, day, from_currency, to_currency, rate)
       SELECT $1, * FROM unnest($2::date[], $3::text[], $4::text[], $5::numeric[])
       ON CONFLICT (tenant_id, from_currency, to_currency, day) DO UPDATE
         SET rate = excluded.rate, updated_at = now()
       RETURNING id, to_char(day, 'YYYY-MM-DD') AS day, from_currency AS "from", to_currency AS "to",
                 rate::text AS rate, created_at, (xmax = 0) AS inserted`,
      [
        tenantId,
        rates.map((r) => r.day),
        rates.map((r) => r.from),
        rates.map((r) => r.to),
        rates.map((r) => String(r.rate)),
      ],
    );
    const imported = rows.filter((row) => row.inserted).length;
    return { views: rows.map(toView), imported, updated: rows.length - imported };
  }

  async delete(db: EntityManager, tenantId: string, id: string): Promise<boolean> {
    // TypeORM answers `[rows, rowCount]` for a DELETE on PostgreSQL.
    const [, deleted] = (await db.query(`DELETE FROM marketing.fx_rates WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ])) as [unknown[], number];
    return deleted > 0;
  }
}
