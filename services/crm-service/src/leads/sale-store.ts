import { Injectable } from '@nestjs/common';
import type { SaleView } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import { bulkInsert } from '../common/bulk-insert';
import type { SqlRunner } from '../common/sql';

/** `crm.sales_transactions`: its SQL and row type. Every method takes the tenant-scoped handle and the tenant id. */

export type SaleRow = {
  id: string;
  lead_id: string;
  opportunity_id: string | null;
  /** numeric(14,2): the driver returns it as a string. */
  amount: string;
  currency: string;
  status: SaleView['status'];
  completed_at: Date | null;
};

/** A complete sale for bulk loads (the demo seed). */
export type SaleRecord = {
  id: string;
  leadId: string;
  opportunityId: string | null;
  amount: number;
  currency: string;
  status: SaleView['status'];
  completedAt: Date | null;
  createdAt: Date;
};

@Injectable()
export class SaleStore {
  async listForLead(db: EntityManager, tenantId: string, leadId: string): Promise<SaleView[]> {
    const rows: SaleRow[] = await db.query(
      `SELECT id, lead_id, opportunity_id, amount, currency, status, completed_at
         FROM crm.sales_transactions WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id`,
      [tenantId, leadId],
    );
    return rows.map(toSaleView);
  }

  async insertMany(db: SqlRunner, tenantId: string, rows: readonly SaleRecord[]): Promise<void> {
    await bulkInsert(
      db,
      'crm.sales_transactions',
      [
        'id',
        'tenant_id',
        'lead_id',
        'opportunity_id',
        'amount',
        'currency',
        'status',
        'completed_at',
        'created_at',
      ],
      rows.map((s) => [
        s.id,
        tenantId,
        s.leadId,
        s.opportunityId,
        s.amount,
        s.currency,
        s.status,
        s.completedAt,
        s.createdAt,
      ]),
    );
  }
}

export function toSaleView(row: SaleRow): SaleView {
  return {
    id: row.id,
    leadId: row.lead_id,
    opportunityId: row.opportunity_id,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    completedAt: row.completed_at ? row.completed_at.toISOString() : null,
  };
}
