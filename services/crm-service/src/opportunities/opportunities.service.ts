import { Injectable } from '@nestjs/common';
import {
  DEFAULT_BOARD_CARDS,
  DomainError,
  Events,
  type CreateOpportunityRequest,
  type GetOpportunityRequest,
  type ListOpportunitiesRequest,
  type OpportunityBoard,
  type OpportunityBoardRequest,
  type OpportunityView,
  type Page,
  type UpdateOpportunityRequest,
} from '@crm/contracts';
import { OutboxService, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { LeadActivityStore } from '../lead-360/lead-activity-store';
import { LeadStore } from '../leads/lead-store';
import { DEFAULT_PAGE_SIZE } from '../leads/leads.service';
import { OpportunityStore, type OpportunityChanges, type OpportunityRow } from '../leads/opportunity-store';
import { SaleStore } from '../leads/sale-store';
import { UserStore } from '../tenancy/user-store';
import {
  opportunityCreatedEvent,
  opportunityLostEvent,
  opportunityUpdatedEvent,
  opportunityWonEvent,
} from './opportunity-events';
import { assertMayAssignOwner, visibilityOf } from './visibility';

@Injectable()
export class OpportunitiesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly opportunities: OpportunityStore,
    private readonly sales: SaleStore,
    private readonly leads: LeadStore,
    private readonly users: UserStore,
    private readonly outbox: OutboxService,
    private readonly activity: LeadActivityStore,
  ) {}

  async list(request: ListOpportunitiesRequest): Promise<Page<OpportunityView>> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
    const { tenantId } = request;
    assertRange(request.deadlineFrom, request.deadlineTo, 'deadlineFrom', 'deadlineTo');
    const found = await this.db.withTenant(tenantId, (db) =>
      this.opportunities.page(db, tenantId, visibilityOf(request), request, page, pageSize),
    );
    return { ...found, page, pageSize };
  }

  async board(request: OpportunityBoardRequest): Promise<OpportunityBoard> {
    const { tenantId } = request;
    assertRange(request.deadlineFrom, request.deadlineTo, 'deadlineFrom', 'deadlineTo');
    const columns = await this.db.withTenant(tenantId, (db) =>
      this.opportunities.board(
        db,
        tenantId,
        visibilityOf(request),
        request,
        request.perStatus ?? DEFAULT_BOARD_CARDS,
      ),
    );
    return { columns };
  }

  async get(request: GetOpportunityRequest): Promise<OpportunityView> {
    const { tenantId } = request;
    return this.db.withTenant(tenantId, (db) =>
      this.findView(db, tenantId, request.opportunityId, visibilityOf(request)),
    );
  }

  async create(request: CreateOpportunityRequest): Promise<OpportunityView> {
    const { tenantId } = request;
    const title = request.title.trim();
    if (!title) throw new DomainError('VALIDATION', 'title must not be blank');
    const ownerId = request.ownerId === undefined ? request.actorUserId : request.ownerId;
    assertMayAssignOwner(request, ownerId);
    const view = await this.db.withTenant(tenantId, async (db) => {
      if (!(await this.leads.findView(db, tenantId, request.leadId))) {
        throw new DomainError('NOT_FOUND', 'lead not found');
      }
      await this.assertUser(db, tenantId, ownerId);
      const row = await this.opportunities.insert(db, tenantId, {
        leadId: request.leadId,
        title,
        value: request.value,
        currency: request.currency,
        deadline: request.deadline ? new Date(request.deadline) : null,
        ownerId,
      });
      await this.outbox.enqueue(
        db,
        tenantId,
        Events.opportunityCreated,
        opportunityCreatedEvent(tenantId, row),
      );
      await this.activity.append(db, tenantId, {
        leadId: row.lead_id,
        kind: 'opportunity_created',
        at: row.created_at,
        actorUserId: request.actorUserId,
        details: opportunityDetails(row),
      });
      return this.findView(db, tenantId, row.id, null);
    });
    this.outbox.kick();
    return view;
  }

  /**
   * Applies the fields that differ from the stored ones. Emits `opportunity.updated` when anything changed, plus
   * `opportunity.won` / `opportunity.lost` when the status becomes won / lost.
   */
  async update(request: UpdateOpportunityRequest): Promise<OpportunityView> {
    const { tenantId } = request;
    const visibleTo = visibilityOf(request);
    let emitted = false;
    const view = await this.db.withTenant(tenantId, async (db) => {
      const before = await this.opportunities.lock(db, tenantId, request.opportunityId, visibleTo);
      if (!before) throw new DomainError('NOT_FOUND', 'opportunity not found');
      const changes = diff(before, request);
      const changed = Object.keys(changes);
      if (changed.length === 0) return this.findView(db, tenantId, before.id, null);

      if (changes.ownerId !== undefined) {
        assertMayAssignOwner(request, changes.ownerId);
        await this.assertUser(db, tenantId, changes.ownerId);
      }
      if (changes.status === 'lost' && (await this.sales.countCompletedFor(db, tenantId, before.id)) > 0) {
        throw new DomainError(
          'CONFLICT',
          'opportunity has completed sales: refund them before marking it lost',
          { opportunityId: before.id },
        );
      }
      const after = await this.opportunities.update(db, tenantId, before.id, changes);
      await this.outbox.enqueue(
        db,
        tenantId,
        Events.opportunityUpdated,
        opportunityUpdatedEvent(tenantId, before, after, changed),
      );
      const actorUserId = request.actorUserId;
      if (changes.deadline !== undefined) {
        await this.activity.append(db, tenantId, {
          leadId: after.lead_id,
          kind: 'opportunity_deadline_moved',
          actorUserId,
          details: {
            ...opportunityDetails(after),
            from: before.deadline?.toISOString() ?? null,
            to: after.deadline?.toISOString() ?? null,
          },
        });
      }
      if (changes.status === 'won') {
        await this.outbox.enqueue(db, tenantId, Events.opportunityWon, opportunityWonEvent(tenantId, after));
        await this.activity.append(db, tenantId, {
          leadId: after.lead_id,
          kind: 'opportunity_won',
          actorUserId,
          details: opportunityDetails(after),
        });
      }
      if (changes.status === 'lost') {
        await this.outbox.enqueue(
          db,
          tenantId,
          Events.opportunityLost,
          opportunityLostEvent(tenantId, after),
        );
        await this.activity.append(db, tenantId, {
          leadId: after.lead_id,
          kind: 'opportunity_lost',
          actorUserId,
          details: { ...opportunityDetails(after), lostReason: after.lost_reason },
        });
      }
      emitted = true;
      return this.findView(db, tenantId, after.id, null);
    });
    if (emitted) this.outbox.kick();
    return view;
  }

  private async findView(
    db: EntityManager,
    tenantId: string,
    opportunityId: string,
    visibleTo: string | null,
  ): Promise<OpportunityView> {
    const view = await this.opportunities.findView(db, tenantId, opportunityId, visibleTo);
    if (!view) throw new DomainError('NOT_FOUND', 'opportunity not found');
    return view;
  }

  private async assertUser(db: EntityManager, tenantId: string, userId: string | null): Promise<void> {
    if (userId && !(await this.users.exists(db, tenantId, userId))) {
      throw new DomainError('VALIDATION', 'ownerId is not a user of this tenant');
    }
  }
}

/** `from` must come before `to` when both are given. */
export function assertRange(
  from: string | undefined,
  to: string | undefined,
  fromName: string,
  toName: string,
) {
  if (from && to && new Date(from).getTime() >= new Date(to).getTime()) {
    throw new DomainError('VALIDATION', `${fromName} must be before ${toName}`);
  }
}

/**
 * The changes a PATCH makes to a stored opportunity (fields equal to the stored ones are left out), with the lost
 * reason rules: becoming lost needs one, reopening clears it, and only a lost opportunity has one.
 */
/** What the lead's history keeps of an opportunity. */
function opportunityDetails(row: OpportunityRow) {
  return { opportunityId: row.id, title: row.title, value: Number(row.value), currency: row.currency };
}

export function diff(before: OpportunityRow, request: UpdateOpportunityRequest): OpportunityChanges {
  const changes: OpportunityChanges = {};
  if (request.title !== undefined) {
    const title = request.title.trim();
    if (!title) throw new DomainError('VALIDATION', 'title must not be blank');
    if (title !== before.title) changes.title = title;
  }
  if (request.value !== undefined && request.value !== Number(before.value)) changes.value = request.value;
  if (request.currency !== undefined && request.currency !== before.currency)
    changes.currency = request.currency;
  if (request.deadline !== undefined) {
    const deadline = request.deadline === null ? null : new Date(request.deadline);
    if ((deadline?.getTime() ?? null) !== (before.deadline?.getTime() ?? null)) changes.deadline = deadline;
  }
  if (request.ownerId !== undefined && request.ownerId !== before.owner_user_id)
    changes.ownerId = request.ownerId;
  const status = request.status ?? before.status;
  if (status !== before.status) changes.status = status;

  const reason = request.lostReason?.trim();
  if (request.lostReason !== undefined && !reason)
    throw new DomainError('VALIDATION', 'lostReason must not be blank');
  if (status === 'lost') {
    if (changes.status === 'lost' && !reason) {
      throw new DomainError('VALIDATION', 'lostReason is required to mark an opportunity lost');
    }
    if (reason && reason !== before.lost_reason) changes.lostReason = reason;
  } else {
    if (reason)
      throw new DomainError('VALIDATION', `lostReason is only for lost opportunities (status is ${status})`);
    if (before.lost_reason !== null) changes.lostReason = null;
  }
  return changes;
}
