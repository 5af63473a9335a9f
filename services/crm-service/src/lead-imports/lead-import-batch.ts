import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, Events, type LeadImportMapping } from '@crm/contracts';
import { OutboxService, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { LeadActivityStore, originOfSource, type NewActivity } from '../lead-360/lead-activity-store';
import { LeadAssignment } from '../leads/lead-assignment';
import { LeadStore, leadCreatedEvent, type ImportedLead } from '../leads/lead-store';
import { TenantStore } from '../tenancy/tenant-store';
import { callingCodeOf, readImportRow, type ImportCandidate } from './import-row';
import { LeadImportStore, type BatchProgress, type NewReject, type StagedRow } from './lead-import-store';

/** Rows turned into leads per transaction. */
export const IMPORT_BATCH_SIZE = 1000;

/** The job is no longer ours (our lease expired and another replica took it): roll the batch back. */
export class ImportLeaseLost extends DomainError {
  constructor(importId: string) {
    super('CONFLICT', `lead import ${importId}: lease lost, batch rolled back`);
  }
}

type Accepted = { rowNumber: number; cells: string[]; lead: ImportCandidate };

/**
 * One batch of an import in one transaction: read the next staged rows, validate them, drop duplicates (within the
 * file and against the tenant's leads, by phone and by email — an existing lead is never touched), create the rest
 * with their round-robin setter, record the rejects, enqueue `lead.created` (carrying the setter) through the outbox
 * and advance the job's counts. Either all of it commits or none of it does.
 */
@Injectable()
export class LeadImportBatch {
  constructor(
    private readonly db: TenantDatabase,
    private readonly imports: LeadImportStore,
    private readonly leads: LeadStore,
    private readonly tenants: TenantStore,
    private readonly assignment: LeadAssignment,
    private readonly outbox: OutboxService,
    private readonly activity: LeadActivityStore,
  ) {}

  /** Runs the next batch; returns how many rows it handled (0: nothing left). */
  async runNext(tenantId: string, importId: string, owner: string, leaseMs: number): Promise<number> {
    const handled = await this.db.withTenant(tenantId, async (db) => {
      const job = await this.imports.find(db, tenantId, importId);
      if (!job || job.status !== 'running' || !job.mapping) throw new ImportLeaseLost(importId);
      const staged = await this.imports.stagedAfter(
        db,
        tenantId,
        importId,
        job.processed_rows,
        IMPORT_BATCH_SIZE,
      );
      if (staged.length === 0) return 0;
      const tenant = await this.tenants.find(db, tenantId);
      const progress = await this.importRows(db, tenantId, importId, job.header.length, job.mapping, staged, {
        callingCode: callingCodeOf(tenant?.locale),
        importedBy: job.created_by,
      });
      const ours = await this.imports.advance(
        db,
        tenantId,
        importId,
        owner,
        job.processed_rows,
        progress,
        leaseMs,
      );
      if (!ours) throw new ImportLeaseLost(importId);
      return staged.length;
    });
    if (handled > 0) this.outbox.kick();
    return handled;
  }

  private async importRows(
    db: EntityManager,
    tenantId: string,
    importId: string,
    columns: number,
    mapping: LeadImportMapping,
    staged: StagedRow[],
    options: { callingCode: string; importedBy: string | null },
  ): Promise<BatchProgress> {
    const rejects: NewReject[] = [];
    const valid: Accepted[] = [];
    for (const row of staged) {
      const verdict = readImportRow(row.cells, columns, mapping, options.callingCode);
      if ('reject' in verdict)
        rejects.push({ rowNumber: row.row_number, cells: row.cells, reason: verdict.reject });
      else valid.push({ rowNumber: row.row_number, cells: row.cells, lead: verdict.ok });
    }

    // Against the tenant's leads (earlier batches of this file included: those are "duplicate of row N").
    const existing = await this.leads.findByPhonesOrEmails(
      db,
      tenantId,
      valid.map((v) => v.lead.phone),
      valid.flatMap((v) => (v.lead.email ? [v.lead.email] : [])),
    );
    const byPhone = new Map(existing.map((lead) => [lead.phone, lead]));
    const byEmail = new Map(existing.filter((lead) => lead.email).map((lead) => [lead.email!, lead]));
    const importedRow = await this.imports.rowsOfLeads(
      db,
      tenantId,
      importId,
      existing.map((lead) => lead.id),
    );

    // Within this batch: the first row with a phone or email wins.
    const seenPhone = new Map<string, number>();
    const seenEmail = new Map<string, number>();
    const accepted: Accepted[] = [];
    for (const row of valid) {
      const { phone, email } = row.lead;
      const match = byPhone.get(phone) ?? (email ? byEmail.get(email) : undefined);
      const earlier = seenPhone.get(phone) ?? (email ? seenEmail.get(email) : undefined);
      if (match) {
        const fromRow = importedRow.get(match.id);
        rejects.push(
          fromRow !== undefined
            ? {
                rowNumber: row.rowNumber,
                cells: row.cells,
                reason: 'duplicate_in_file',
                duplicateOfRow: fromRow,
              }
            : {
                rowNumber: row.rowNumber,
                cells: row.cells,
                reason: 'duplicate_existing',
                leadName: match.name,
              },
        );
      } else if (earlier !== undefined) {
        rejects.push({
          rowNumber: row.rowNumber,
          cells: row.cells,
          reason: 'duplicate_in_file',
          duplicateOfRow: earlier,
        });
      } else {
        seenPhone.set(phone, row.rowNumber);
        if (email) seenEmail.set(email, row.rowNumber);
        accepted.push(row);
      }
    }

    const setters = await this.assignment.nextSetters(db, tenantId, accepted.length);
    const newLeads: ImportedLead[] = accepted.map((row, i) => ({
      id: randomUUID(),
      name: row.lead.name,
      phone: row.lead.phone,
      email: row.lead.email,
      leadSource: row.lead.source,
      assignedUserId: setters[i],
      notes: row.lead.notes,
      tags: row.lead.tags,
    }));
    const inserted = await this.leads.insertImported(db, tenantId, newLeads);
    const insertedIds = new Set(inserted.map((lead) => lead.id));
    const created: { rowNumber: number; leadId: string }[] = [];
    const raced: Accepted[] = [];
    accepted.forEach((row, i) => {
      if (insertedIds.has(newLeads[i].id)) created.push({ rowNumber: row.rowNumber, leadId: newLeads[i].id });
      else raced.push(row);
    });
    if (raced.length > 0) {
      // Another request created a lead with that phone after our check: it is a duplicate like any other.
      const winners = await this.leads.findByPhonesOrEmails(
        db,
        tenantId,
        raced.map((row) => row.lead.phone),
        [],
      );
      const winnerByPhone = new Map(winners.map((lead) => [lead.phone, lead.name]));
      for (const row of raced) {
        rejects.push({
          rowNumber: row.rowNumber,
          cells: row.cells,
          reason: 'duplicate_existing',
          leadName: winnerByPhone.get(row.lead.phone) ?? row.lead.name,
        });
      }
    }

    await this.imports.markCreated(db, tenantId, importId, created);
    await this.imports.insertRejects(db, tenantId, importId, rejects);
    const order = new Map(created.map((c, i) => [c.leadId, i]));
    const rows = [...inserted].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    // One event per lead: its round-robin setter travels in `lead.created` (`assignedUserId`), not in a
    // `lead.assigned` of its own — half the outbox rows, relayed publishes and WAL of an import.
    await this.outbox.enqueueMany(db, tenantId, Events.leadCreated, rows.map(leadCreatedEvent));
    // The lead 360's history, as for a lead typed in: created by whoever imported it, then its round-robin turn.
    const history: NewActivity[] = rows.flatMap((row): NewActivity[] => [
      {
        leadId: row.id,
        kind: 'created',
        at: row.created_at,
        actorUserId: options.importedBy,
        details: originOfSource(row.lead_source),
      },
      ...(row.assigned_user_id
        ? [
            {
              leadId: row.id,
              kind: 'assigned' as const,
              at: row.created_at,
              details: { from: null, to: row.assigned_user_id, reason: 'round_robin' as const },
            },
          ]
        : []),
    ]);
    await this.activity.appendMany(db, tenantId, history);

    const duplicates = rejects.filter(
      (r) => r.reason === 'duplicate_in_file' || r.reason === 'duplicate_existing',
    ).length;
    return {
      processed: staged.length,
      created: created.length,
      duplicates,
      rejected: rejects.length - duplicates,
    };
  }
}
