import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type DeleteFxRateRequest,
  type FxImportResult,
  type FxRateView,
  type ImportFxRatesRequest,
  type ListFxRatesRequest,
  type PutFxRateRequest,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { checkRate, parseFxCsv, type FxRateRow } from './fx-csv';
import { FxRateStore } from './fx-rate.store';

/**
 * The tenant's dated exchange rates (entered by the ceo, or imported from a file): a sale in another currency than the
 * report's counts in revenue converted by the rate valid on its day (the latest dated on or before it).
 */
@Injectable()
export class FxRatesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly store: FxRateStore,
  ) {}

  list(request: ListFxRatesRequest): Promise<FxRateView[]> {
    return this.db.withTenant(request.tenantId, (db) =>
      this.store.list(db, request.tenantId, request.from, request.to),
    );
  }

  async put(request: PutFxRateRequest): Promise<FxRateView> {
    const rate = checkRate({ ...request.rate });
    const { views } = await this.db.withTenant(request.tenantId, (db) =>
      this.store.upsert(db, request.tenantId, [rate]),
    );
    return views[0];
  }

  async delete(request: DeleteFxRateRequest): Promise<{ deleted: true }> {
    const deleted = await this.db.withTenant(request.tenantId, (db) =>
      this.store.delete(db, request.tenantId, request.rateId),
    );
    if (!deleted) throw new DomainError('NOT_FOUND', 'exchange rate not found');
    return { deleted: true };
  }

  /** All the file's rates or none (one transaction); a pair and day given twice keeps the last line's rate. */
  async import(request: ImportFxRatesRequest): Promise<FxImportResult> {
    const rows = parseFxCsv(request.csv);
    const unique = new Map<string, FxRateRow>();
    for (const row of rows) unique.set(`${row.from}:${row.to}:${row.day}`, row);
    const { imported, updated } = await this.db.withTenant(request.tenantId, (db) =>
      this.store.upsert(db, request.tenantId, [...unique.values()]),
    );
    return { imported, updated };
  }
}
