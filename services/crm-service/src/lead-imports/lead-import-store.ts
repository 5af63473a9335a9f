import { Injectable } from '@nestjs/common';
import type {
  LeadImportMapping,
  LeadImportReject,
  LeadImportRejectReason,
  LeadImportStatus,
  LeadImportView,
} from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import { updateReturning } from '../common/sql';

/**
 * `crm.lead_imports`, `crm.lead_import_rows` and `crm.lead_import_rejects`: their SQL and row types. Every method
 * takes the tenant-scoped handle of `TenantDatabase.withTenant` and the tenant id.
 */

export type LeadImportRow = {
  id: string;
  tenant_id: string;
  created_by: string | null;
  created_by_name?: string | null;
  file_name: string | null;
  status: LeadImportStatus;
  header: string[];
  total_rows: number;
  mapping: LeadImportMapping | null;
  processed_rows: number;
  created_count: number;
  duplicate_count: number;
  rejected_count: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  parked_at: Date | null;
  attempts: number;
  lease_owner: string | null;
};

export type StagedRow = { row_number: number; cells: string[] };

export type NewReject = {
  rowNumber: number;
  cells: string[];
  reason: LeadImportRejectReason;
  leadName?: string;
  duplicateOfRow?: number;
};

/** Counts one batch adds to its job. */
export type BatchProgress = { processed: number; created: number; duplicates: number; rejected: number };

const SELECT_VIEW = `
  SELECT i.*, u.name AS created_by_name
    FROM crm.lead_imports i
    LEFT JOIN crm.users u ON u.tenant_id = i.tenant_id AND u.id = i.created_by`;

@Injectable()
export class LeadImportStore {
  async insert(
    db: EntityManager,
    tenantId: string,
    job: { createdBy: string; fileName: string | null; header: string[]; totalRows: number },
  ): Promise<string> {
    const rows: { id: string }[] = await db.query(
      `INSERT INTO crm.lead_imports (tenant_id, created_by, file_name, header, total_rows)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [tenantId, job.createdBy, job.fileName, job.header, job.totalRows],
    );
    return rows[0].id;
  }

  async find(db: EntityManager, tenantId: string, importId: string): Promise<LeadImportRow | null> {
    const rows: LeadImportRow[] = await db.query(`${SELECT_VIEW} WHERE i.tenant_id = $1 AND i.id = $2`, [
      tenantId,
      importId,
    ]);
    return rows[0] ?? null;
  }

  /** The job row-locked until the transaction ends. */
  async lock(db: EntityManager, tenantId: string, importId: string): Promise<LeadImportRow | null> {
    const rows: LeadImportRow[] = await db.query(
      `SELECT * FROM crm.lead_imports WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenantId, importId],
    );
    return rows[0] ?? null;
  }

  async recent(db: EntityManager, tenantId: string, limit: number): Promise<LeadImportRow[]> {
    return db.query(`${SELECT_VIEW} WHERE i.tenant_id = $1 ORDER BY i.created_at DESC, i.id LIMIT $2`, [
      tenantId,
      limit,
    ]);
  }

  /** Stage rows numbered from `firstRow`; a row already staged is left as it is (a part sent twice). */
  async stageRows(
    db: EntityManager,
    tenantId: string,
    importId: string,
    firstRow: number,
    rows: readonly string[][],
  ): Promise<void> {
    await db.query(
      `INSERT INTO crm.lead_import_rows (tenant_id, import_id, row_number, cells)
       SELECT $1, $2, $3::int + n::int - 1, ARRAY(SELECT jsonb_array_elements_text(r))
         FROM unnest($4::jsonb[]) WITH ORDINALITY AS t(r, n)
       ON CONFLICT (import_id, row_number) DO NOTHING`,
      [tenantId, importId, firstRow, rows.map((row) => JSON.stringify(row))],
    );
  }

  async countStaged(db: EntityManager, tenantId: string, importId: string): Promise<number> {
    const rows: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM crm.lead_import_rows WHERE tenant_id = $1 AND import_id = $2`,
      [tenantId, importId],
    );
    return rows[0].n;
  }

  /** Staged rows after `after`, in file order. */
  async stagedAfter(
    db: EntityManager,
    tenantId: string,
    importId: string,
    after: number,
    limit: number,
  ): Promise<StagedRow[]> {
    return db.query(
      `SELECT row_number, cells FROM crm.lead_import_rows
        WHERE tenant_id = $1 AND import_id = $2 AND row_number > $3
        ORDER BY row_number LIMIT $4`,
      [tenantId, importId, after, limit],
    );
  }

  async setStatus(
    db: EntityManager,
    tenantId: string,
    importId: string,
    status: LeadImportStatus,
    mapping?: LeadImportMapping,
  ): Promise<void> {
    await updateReturning(
      db,
      `UPDATE crm.lead_imports
          SET status = $3, mapping = COALESCE($4::jsonb, mapping),
              started_at = CASE WHEN $3 = 'running' THEN now() ELSE started_at END,
              next_attempt_at = now()
        WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, importId, status, mapping ? JSON.stringify(mapping) : null],
    );
  }

  /** Which of these rows of the import created a lead, by lead id. */
  async rowsOfLeads(
    db: EntityManager,
    tenantId: string,
    importId: string,
    leadIds: readonly string[],
  ): Promise<Map<string, number>> {
    if (leadIds.length === 0) return new Map();
    const rows: { lead_id: string; row_number: number }[] = await db.query(
      `SELECT lead_id, row_number FROM crm.lead_import_rows
        WHERE tenant_id = $1 AND import_id = $2 AND lead_id = ANY($3::uuid[])`,
      [tenantId, importId, leadIds],
    );
    return new Map(rows.map((row) => [row.lead_id, row.row_number]));
  }

  async markCreated(
    db: EntityManager,
    tenantId: string,
    importId: string,
    created: readonly { rowNumber: number; leadId: string }[],
  ): Promise<void> {
    if (created.length === 0) return;
    await updateReturning(
      db,
      `UPDATE crm.lead_import_rows r SET lead_id = c.lead_id
         FROM unnest($3::int[], $4::uuid[]) AS c(row_number, lead_id)
        WHERE r.tenant_id = $1 AND r.import_id = $2 AND r.row_number = c.row_number RETURNING 1`,
      [tenantId, importId, created.map((c) => c.rowNumber), created.map((c) => c.leadId)],
    );
  }

  async insertRejects(
    db: EntityManager,
    tenantId: string,
    importId: string,
    rejects: readonly NewReject[],
  ): Promise<void> {
    if (rejects.length === 0) return;
    await db.query(
      `INSERT INTO crm.lead_import_rejects
              (tenant_id, import_id, row_number, cells, reason, lead_name, duplicate_of_row)
       SELECT $1, $2, r.row_number, ARRAY(SELECT jsonb_array_elements_text(r.cells)), r.reason, r.lead_name,
              r.duplicate_of_row
         FROM unnest($3::int[], $4::jsonb[], $5::text[], $6::text[], $7::int[])
              AS r(row_number, cells, reason, lead_name, duplicate_of_row)`,
      [
        tenantId,
        importId,
        rejects.map((r) => r.rowNumber),
        rejects.map((r) => JSON.stringify(r.cells)),
        rejects.map((r) => r.reason),
        rejects.map((r) => r.leadName ?? null),
        rejects.map((r) => r.duplicateOfRow ?? null),
      ],
    );
  }

  /**
   * Add one batch's counts, only while `owner` holds the job's lease and nobody moved it past `processedBefore`
   * (so a replica whose lease expired cannot commit a batch twice); the lease is extended by `leaseMs`.
   * False when the job is no longer ours: the caller rolls its batch back.
   */
  async advance(
    db: EntityManager,
    tenantId: string,
    importId: string,
    owner: string,
    processedBefore: number,
    progress: BatchProgress,
    leaseMs: number,
  ): Promise<boolean> {
    const rows = await updateReturning(
      db,
      `UPDATE crm.lead_imports
          SET processed_rows = processed_rows + $5, created_count = created_count + $6,
              duplicate_count = duplicate_count + $7, rejected_count = rejected_count + $8,
              locked_until = now() + make_interval(secs => $9::double precision / 1000)
        WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND processed_rows = $4 AND status = 'running'
       RETURNING id`,
      [
        tenantId,
        importId,
        owner,
        processedBefore,
        progress.processed,
        progress.created,
        progress.duplicates,
        progress.rejected,
        leaseMs,
      ],
    );
    return rows.length === 1;
  }

  /** Staged rows are only needed while the job runs (the rejects keep their own copy). */
  async dropStaged(db: EntityManager, tenantId: string, importId: string): Promise<void> {
    await db.query(`DELETE FROM crm.lead_import_rows WHERE tenant_id = $1 AND import_id = $2`, [
      tenantId,
      importId,
    ]);
  }

  async rejects(
    db: EntityManager,
    tenantId: string,
    importId: string,
    after: number,
    limit: number,
  ): Promise<LeadImportReject[]> {
    const rows: {
      row_number: number;
      cells: string[];
      reason: LeadImportRejectReason;
      lead_name: string | null;
      duplicate_of_row: number | null;
    }[] = await db.query(
      `SELECT row_number, cells, reason, lead_name, duplicate_of_row FROM crm.lead_import_rejects
        WHERE tenant_id = $1 AND import_id = $2 AND row_number > $3
        ORDER BY row_number LIMIT $4`,
      [tenantId, importId, after, limit],
    );
    return rows.map((row) => {
      const reject: LeadImportReject = { rowNumber: row.row_number, cells: row.cells, reason: row.reason };
      if (row.lead_name !== null) reject.leadName = row.lead_name;
      if (row.duplicate_of_row !== null) reject.duplicateOfRow = row.duplicate_of_row;
      return reject;
    });
  }
}

export function toLeadImportView(row: LeadImportRow): LeadImportView {
  return {
    id: row.id,
    // A job the worker gave up on (parked) has failed; its committed batches stay.
    status: row.parked_at ? 'failed' : row.status,
    fileName: row.file_name,
    header: row.header,
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    created: row.created_count,
    duplicates: row.duplicate_count,
    rejected: row.rejected_count,
    mapping: row.mapping,
    createdBy: row.created_by,
    createdByName: row.created_by_name ?? null,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
