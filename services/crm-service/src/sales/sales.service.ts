import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Events,
  type CreateSaleRequest,
  type ListSalesRequest,
  type Page,
  type SaleView,
  type UpdateSaleRequest,
} from '@crm/contracts';
import { OutboxService, TenantDatabase } from '@crm/nest-common';
import { LeadActivityStore } from '../lead-360/lead-activity-store';
import { LeadStore } from '../leads/lead-store';
import { DEFAULT_PAGE_SIZE } from '../leads/leads.service';
import { OpportunityStore } from '../leads/opportunity-store';
import { SaleStore, toSaleView, type SaleChanges, type SaleRow } from '../leads/sale-store';
import { assertRange } from '../opportunities/opportunities.service';
import { visibilityOf } from '../opportunities/visibility';
import { saleCompletedEvent, saleRefundedEvent, saleUpdatedEvent } from './sale-events';

/** How far ahead of the server's clock a `completedAt` may be (clock skew of the caller). */
const FUTURE_TOLERANCE_MS = 60_000;

function completedAtOf(value: string | undefined, now = Date.now()): Date | undefined {
  if (value === undefined) return undefined;
  const completedAt = new Date(value);
  if (completedAt.getTime() > now + FUTURE_TOLERANCE_MS) {
    throw new DomainError('VALIDATION', 'completedAt must not be in the future');
  }
  return completedAt;
}

/** What the lead's history keeps of a sale. */
function saleDetails(row: SaleRow) {
  return { saleId: row.id, amount: Number(row.amount), currency: row.currency };
}

function hasDates<K extends 'completed_at' | 'refunded_at'>(
  row: SaleRow,
  ...keys: K[]
): row is SaleRow & { [P in K]: Date } {
  return keys.every((key) => row[key] !== null);
}

@Injectable()
export class SalesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly sales: SaleStore,
    private readonly opportunities: OpportunityStore,
    private readonly leads: LeadStore,
    private readonly outbox: OutboxService,
    private readonly activity: LeadActivityStore,
  ) {}

  async list(request: ListSalesRequest): Promise<Page<SaleView>> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
    const { tenantId } = request;
    assertRange(request.completedFrom, request.completedTo, 'completedFrom', 'completedTo');
    const found = await this.db.withTenant(tenantId, (db) =>
      this.sales.page(db, tenantId, visibilityOf(request), request, page, pageSize),
    );
    return { ...found, page, pageSize };
  }

  /**
   * Records a completed sale of a lead, optionally of one of its opportunities (not a lost one). A setter or closer
   * records sales only for leads assigned to them or opportunities they own.
   */
  async create(request: CreateSaleRequest): Promise<SaleView> {
    const { tenantId } = request;
    const visibleTo = visibilityOf(request);
    const completedAt = completedAtOf(request.completedAt) ?? new Date();
    const view = await this.db.withTenant(tenantId, async (db) => {
      const lead = await this.leads.findView(db, tenantId, request.leadId);
      if (!lead) throw new DomainError('NOT_FOUND', 'lead not found');
      let ownsOpportunity = false;
      if (request.opportunityId) {
        const opportunity = await this.opportunities.lock(db, tenantId, request.opportunityId, null);
        if (!opportunity) throw new DomainError('NOT_FOUND', 'opportunity not found');
        if (opportunity.lead_id !== lead.id) {
          throw new DomainError('VALIDATION', 'the opportunity belongs to another lead', {
            field: 'opportunityId',
            leadId: opportunity.lead_id,
          });
        }
        if (opportunity.status === 'lost') {
          throw new DomainError('CONFLICT', 'the opportunity is lost: reopen it before recording a sale', {
            opportunityId: opportunity.id,
          });
        }
        ownsOpportunity = opportunity.owner_user_id === visibleTo;
      }
      if (visibleTo && lead.assignedUserId !== visibleTo && !ownsOpportunity) {
        throw new DomainError('NOT_FOUND', 'lead not found');
      }
      const row = await this.sales.insert(db, tenantId, {
        leadId: lead.id,
        opportunityId: request.opportunityId ?? null,
        amount: request.amount,
        currency: request.currency,
        completedAt,
      });
      if (!hasDates(row, 'completed_at')) throw new Error('a completed sale without completed_at');
      await this.outbox.enqueue(db, tenantId, Events.saleCompleted, saleCompletedEvent(tenantId, row));
      await this.activity.append(db, tenantId, {
        leadId: row.lead_id,
        kind: 'sale_completed',
        at: row.completed_at,
        actorUserId: request.actorUserId,
        details: saleDetails(row),
      });
      return toSaleView(row);
    });
    this.outbox.kick();
    return view;
  }

  /**
   * Corrects a sale or refunds it. Refunded is final: a refunded sale cannot be changed. Emits `sale.refunded` on a
   * refund and `sale.completed` when a pending sale is completed.
   */
  async update(request: UpdateSaleRequest): Promise<SaleView> {
    const { tenantId } = request;
    const completedAt = completedAtOf(request.completedAt);
    let emitted = false;
    const view = await this.db.withTenant(tenantId, async (db) => {
      const before = await this.sales.lock(db, tenantId, request.saleId, visibilityOf(request));
      if (!before) throw new DomainError('NOT_FOUND', 'sale not found');
      if (before.status === 'refunded') {
        throw new DomainError('CONFLICT', 'the sale is refunded: a refunded sale cannot be changed', {
          saleId: before.id,
        });
      }
      if (request.status === 'refunded' && before.status !== 'completed') {
        throw new DomainError(
          'CONFLICT',
          `only a completed sale can be refunded (this one is ${before.status})`,
        );
      }
      const changes: SaleChanges = {};
      if (request.amount !== undefined && request.amount !== Number(before.amount))
        changes.amount = request.amount;
      if (request.currency !== undefined && request.currency !== before.currency)
        changes.currency = request.currency;
      if (completedAt && completedAt.getTime() !== before.completed_at?.getTime())
        changes.completedAt = completedAt;
      if (request.status !== undefined && request.status !== before.status) changes.status = request.status;
      if (Object.keys(changes).length === 0) return toSaleView(before);

      const after = await this.sales.update(db, tenantId, before.id, changes);
      if (changes.status === 'refunded' && hasDates(after, 'completed_at', 'refunded_at')) {
        await this.outbox.enqueue(db, tenantId, Events.saleRefunded, saleRefundedEvent(tenantId, after));
        await this.activity.append(db, tenantId, {
          leadId: after.lead_id,
          kind: 'sale_refunded',
          at: after.refunded_at,
          actorUserId: request.actorUserId,
          details: saleDetails(after),
        });
        emitted = true;
      }
      if (changes.status === 'completed' && hasDates(after, 'completed_at')) {
        await this.outbox.enqueue(db, tenantId, Events.saleCompleted, saleCompletedEvent(tenantId, after));
        await this.activity.append(db, tenantId, {
          leadId: after.lead_id,
          kind: 'sale_completed',
          at: after.completed_at,
          actorUserId: request.actorUserId,
          details: saleDetails(after),
        });
        emitted = true;
      }
      if (changes.status === undefined && hasDates(after, 'completed_at')) {
        // A correction of a completed sale: the read models that count its amount need the new one.
        const changed = Object.keys(changes);
        await this.outbox.enqueue(
          db,
          tenantId,
          Events.saleUpdated,
          saleUpdatedEvent(tenantId, after, changed),
        );
        emitted = true;
      }
      return toSaleView(after);
    });
    if (emitted) this.outbox.kick();
    return view;
  }
}
