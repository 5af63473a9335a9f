import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type AppendLeadImportRowsRequest,
  type CreateLeadImportRequest,
  type LeadImportMapping,
  type LeadImportRejectPage,
  type LeadImportRejectsRequest,
  type LeadImportUpload,
  type LeadImportView,
  type StartLeadImportRequest,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { LeadImportStore, toLeadImportView, type LeadImportRow } from './lead-import-store';
import { LeadImportWorker } from './lead-import-worker';

export const PREVIEW_ROWS = 5;
const RECENT_IMPORTS = 20;
const DEFAULT_REJECTS_PAGE = 1000;
const MAX_REJECTS_PAGE_BYTES = 512 * 1024;
/** Longest cell kept from a file (a longer one is cut; notes longer than 5,000 characters are rejected anyway). */
const MAX_CELL = 10_000;

/** The upload (in parts), the mapping that starts the job, its progress and its rejected rows. */
@Injectable()
export class LeadImportsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly imports: LeadImportStore,
    private readonly worker: LeadImportWorker,
  ) {}

  async create(request: CreateLeadImportRequest): Promise<LeadImportView> {
    const { tenantId } = request;
    const header = request.header.map((name) => name.trim());
    if (header.some((name) => !name))
      throw new DomainError('VALIDATION', 'every column needs a name in the header row');
    return this.db.withTenant(tenantId, async (db) => {
      const id = await this.imports.insert(db, tenantId, {
        createdBy: request.createdBy,
        fileName: request.fileName?.trim() || null,
        header,
        totalRows: request.totalRows,
      });
      return toLeadImportView((await this.imports.find(db, tenantId, id))!);
    });
  }

  async append(request: AppendLeadImportRowsRequest): Promise<{ received: number }> {
    const { tenantId, importId, firstRow, rows } = request;
    return this.db.withTenant(tenantId, async (db) => {
      const job = await this.locked(db, tenantId, importId);
      if (job.status !== 'receiving')
        throw new DomainError('CONFLICT', 'this import already has all its rows');
      if (firstRow + rows.length - 1 > job.total_rows) {
        throw new DomainError('VALIDATION', `the import has ${job.total_rows} rows`);
      }
      const cells = rows.map((row) => row.map((cell) => String(cell ?? '').slice(0, MAX_CELL)));
      await this.imports.stageRows(db, tenantId, importId, firstRow, cells);
      return { received: await this.imports.countStaged(db, tenantId, importId) };
    });
  }

  /** Every row is there: the job waits for its mapping. Answers the first rows for the mapping screen. */
  async seal(tenantId: string, importId: string): Promise<LeadImportUpload> {
    return this.db.withTenant(tenantId, async (db) => {
      const job = await this.locked(db, tenantId, importId);
      if (job.status === 'receiving') {
        const staged = await this.imports.countStaged(db, tenantId, importId);
        if (staged !== job.total_rows) {
          throw new DomainError('VALIDATION', `received ${staged} of ${job.total_rows} rows`);
        }
        await this.imports.setStatus(db, tenantId, importId, 'uploaded');
      }
      const preview = await this.imports.stagedAfter(db, tenantId, importId, 0, PREVIEW_ROWS);
      return {
        import: toLeadImportView((await this.imports.find(db, tenantId, importId))!),
        preview: preview.map((row) => row.cells),
      };
    });
  }

  async start(request: StartLeadImportRequest): Promise<LeadImportView> {
    const { tenantId, importId } = request;
    const view = await this.db.withTenant(tenantId, async (db) => {
      const job = await this.locked(db, tenantId, importId);
      if (job.status === 'receiving') throw new DomainError('CONFLICT', 'the file is still being uploaded');
      if (job.status !== 'uploaded') throw new DomainError('CONFLICT', 'this import has already started');
      const mapping = validMapping(request.mapping, job.header.length);
      await this.imports.setStatus(db, tenantId, importId, 'running', mapping);
      return toLeadImportView((await this.imports.find(db, tenantId, importId))!);
    });
    this.worker.kick();
    return view;
  }

  async get(tenantId: string, importId: string): Promise<LeadImportView> {
    return this.db.withTenant(tenantId, async (db) => {
      const job = await this.imports.find(db, tenantId, importId);
      if (!job) throw new DomainError('NOT_FOUND', 'import not found');
      return toLeadImportView(job);
    });
  }

  async list(tenantId: string): Promise<LeadImportView[]> {
    return this.db.withTenant(tenantId, async (db) =>
      (await this.imports.recent(db, tenantId, RECENT_IMPORTS)).map(toLeadImportView),
    );
  }

  async rejects(request: LeadImportRejectsRequest): Promise<LeadImportRejectPage> {
    const { tenantId, importId } = request;
    const limit = request.limit ?? DEFAULT_REJECTS_PAGE;
    return this.db.withTenant(tenantId, async (db) => {
      const job = await this.imports.find(db, tenantId, importId);
      if (!job) throw new DomainError('NOT_FOUND', 'import not found');
      const found = await this.imports.rejects(db, tenantId, importId, request.after ?? 0, limit);
      // A page stays well under NATS max_payload (1 MB by default) however wide the rows are.
      const items = [];
      let bytes = 0;
      for (const reject of found) {
        bytes += Buffer.byteLength(JSON.stringify(reject));
        if (items.length > 0 && bytes > MAX_REJECTS_PAGE_BYTES) break;
        items.push(reject);
      }
      const last = items[items.length - 1];
      const more = items.length < found.length || found.length === limit;
      return { header: job.header, items, nextAfter: more && last ? last.rowNumber : null };
    });
  }

  private async locked(db: EntityManager, tenantId: string, importId: string): Promise<LeadImportRow> {
    const job = await this.imports.lock(db, tenantId, importId);
    if (!job) throw new DomainError('NOT_FOUND', 'import not found');
    return job;
  }
}

/** Name and phone are required; every mapped column must exist and hold one field only. */
export function validMapping(mapping: LeadImportMapping, columns: number): LeadImportMapping {
  const entries = Object.entries(mapping).filter(([, index]) => index !== undefined && index !== null) as [
    keyof LeadImportMapping,
    number,
  ][];
  if (mapping.name === undefined || mapping.phone === undefined) {
    throw new DomainError('VALIDATION', 'map a column to the name and one to the phone');
  }
  for (const [field, index] of entries) {
    if (index >= columns) {
      throw new DomainError('VALIDATION', `${field}: the file has ${columns} columns`, { field });
    }
  }
  const used = entries.map(([, index]) => index);
  if (new Set(used).size !== used.length) {
    throw new DomainError('VALIDATION', 'a column can be mapped to one field only');
  }
  return Object.fromEntries(entries);
}
