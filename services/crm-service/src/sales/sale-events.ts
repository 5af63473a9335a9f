import type { SaleCompletedEvent, SaleRefundedEvent, SaleUpdatedEvent } from '@crm/contracts';
import type { SaleRow } from '../leads/sale-store';

/** The event of a sale that is (now) completed. */
export function saleCompletedEvent(
  tenantId: string,
  row: SaleRow & { completed_at: Date },
): SaleCompletedEvent {
  return {
    tenantId,
    saleId: row.id,
    leadId: row.lead_id,
    opportunityId: row.opportunity_id,
    amount: Number(row.amount),
    currency: row.currency,
    completedAt: row.completed_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function saleRefundedEvent(
  tenantId: string,
  row: SaleRow & { completed_at: Date; refunded_at: Date },
): SaleRefundedEvent {
  return { ...saleCompletedEvent(tenantId, row), refundedAt: row.refunded_at.toISOString() };
}

/** A sale corrected (amount, currency, completion time) without a status change: the sale as it is now. */
export function saleUpdatedEvent(
  tenantId: string,
  row: SaleRow & { completed_at: Date },
  changed: string[],
): SaleUpdatedEvent {
  return { ...saleCompletedEvent(tenantId, row), status: row.status, changed };
}
