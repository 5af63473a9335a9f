import { Injectable } from '@nestjs/common';
import type { OpportunityStatus, OpportunityView } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import { bulkInsert } from '../common/bulk-insert';
import type { SqlRunner } from '../common/sql';

/** `crm.opportunities`: its SQL and row type. Every method takes the tenant-scoped handle and the tenant id. */

export type OpportunityRow = {
  id: string;
  lead_id: string;
  title: string;
  /** numeric(14,2): the driver returns it as a string. */
  value: string;
  currency: string;
  status: OpportunityStatus;
  deadline: Date | null;
  created_at: Date;
};

/** A complete opportunity for bulk loads (the demo seed). */
export type OpportunityRecord = {
  id: string;
  leadId: string;
  title: string;
  value: number;
  currency: string;
  status: OpportunityStatus;
  deadline: Date | null;
  createdAt: Date;
  closedAt: Date | null;
};

@Injectable()
export class OpportunityStore {
  async listForLead(db: EntityManager, tenantId: string, leadId: string): Promise<OpportunityView[]> {
    const rows: OpportunityRow[] = await db.query(
      `SELECT id, lead_id, title, value, currency, status, deadline, created_at
         FROM crm.opportunities WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id`,
      [tenantId, leadId],
    );
    return rows.map(toOpportunityView);
  }

  async insertMany(db: SqlRunner, tenantId: string, rows: readonly OpportunityRecord[]): Promise<void> {
    await bulkInsert(
      db,
      'crm.opportunities',
      [
        'id',
        'tenant_id',
        'lead_id',
        'title',
        'value',
        'currency',
        'status',
        'deadline',
        'created_at',
        'closed_at',
      ],
      rows.map((o) => [
        o.id,
        tenantId,
        o.leadId,
        o.title,
        o.value,
        o.currency,
        o.status,
        o.deadline,
        o.createdAt,
        o.closedAt,
      ]),
    );
  }
}

export function toOpportunityView(row: OpportunityRow): OpportunityView {
  return {
    id: row.id,
    leadId: row.lead_id,
    title: row.title,
    value: Number(row.value),
    currency: row.currency,
    status: row.status,
    deadline: row.deadline ? row.deadline.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}
