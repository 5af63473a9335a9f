import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Events,
  normalizePhone,
  type CreateLeadRequest,
  type LeadAssignedEvent,
  type LeadDetail,
  type LeadPage,
  type LeadStatus,
  type LeadStatusChangedEvent,
  type LeadUpdatableField,
  type LeadUpdatedEvent,
  type LeadView,
  type LeadWithPhone,
  type LeadViewer,
  type ListLeadsRequest,
  type UpdateLeadRequest,
} from '@crm/contracts';
import { OutboxService, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { uniqueViolation } from '../common/postgres-errors';
import { toLeadOrigin } from '../lead-360/activity-entries';
import { LeadActivityStore, originOfSource } from '../lead-360/lead-activity-store';
import { UserStore } from '../tenancy/user-store';
import { LeadAssignment } from './lead-assignment';
import { decodeCursor } from './lead-list-query';
import { LeadStore, leadCreatedEvent, type LeadChanges, type LeadRow } from './lead-store';
import { OpportunityStore } from './opportunity-store';
import { SaleStore } from './sale-store';

export const DEFAULT_PAGE_SIZE = 25;

/** Setters and closers work only the leads assigned to them; ceo and professional see every lead of the tenant. */
export function visibleTo(viewer: LeadViewer | undefined): string | undefined {
  return viewer && (viewer.role === 'setter' || viewer.role === 'closer') ? viewer.userId : undefined;
}

@Injectable()
export class LeadsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly leads: LeadStore,
    private readonly opportunities: OpportunityStore,
    private readonly sales: SaleStore,
    private readonly users: UserStore,
    private readonly assignment: LeadAssignment,
    private readonly outbox: OutboxService,
    private readonly activity: LeadActivityStore,
  ) {}

  async list(request: ListLeadsRequest): Promise<LeadPage> {
    const { tenantId, cursor } = request;
    if (cursor && request.page !== undefined) {
      throw new DomainError('VALIDATION', 'use either page or cursor, not both');
    }
    const { createdFrom, createdTo } = request;
    if (createdFrom && createdTo && Date.parse(createdFrom) >= Date.parse(createdTo)) {
      throw new DomainError('VALIDATION', 'createdFrom must be before createdTo');
    }
    const sort = request.sort ?? 'newest';
    const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
    const page = cursor ? null : (request.page ?? 1);
    const after = cursor ? decodeCursor(sort, cursor) : undefined;
    const result = await this.db.withTenant(tenantId, (db) =>
      this.leads.list(db, tenantId, {
        filter: {
          status: request.status,
          source: request.source,
          campaignId: request.campaignId,
          adId: request.adId,
          assignedUserId: request.assignedUserId,
          tag: request.tag,
          createdFrom: request.createdFrom,
          createdTo: request.createdTo,
          search: request.search,
          visibleTo: visibleTo(request.viewer),
        },
        sort,
        pageSize,
        offset: page ? (page - 1) * pageSize : 0,
        after,
        withTotal: request.withTotal ?? !cursor,
      }),
    );
    return { ...result, page, pageSize };
  }

  async get(tenantId: string, leadId: string, viewer?: LeadViewer): Promise<LeadDetail> {
    return this.db.withTenant(tenantId, async (db) => {
      const lead = await this.findView(db, tenantId, leadId, visibleTo(viewer));
      const opportunities = await this.opportunities.listForLead(db, tenantId, leadId);
      const sales = await this.sales.listForLead(db, tenantId, leadId);
      const created = await this.activity.origin(db, tenantId, leadId);
      const origin = created ? toLeadOrigin(created.at, created.details) : null;
      return { ...lead, opportunities, sales, origin };
    });
  }

  /** A new lead; without an assignee it goes to the next active setter (round-robin) when the tenant has one. */
  async create(request: CreateLeadRequest): Promise<LeadWithPhone> {
    const { tenantId } = request;
    const phone = normalizePhone(request.phone);
    if (!phone) throw new DomainError('VALIDATION', 'phone must be in E.164 format, e.g. +5215512345678');
    const name = request.name.trim();
    if (!name) throw new DomainError('VALIDATION', 'name must not be blank');
    const view = await this.db.withTenant(tenantId, async (db) => {
      if (request.assignedUserId) {
        await this.checkAssignable(db, tenantId, request.assignedUserId, 'VALIDATION');
      }
      const row = await this.leads.insertIfAbsent(db, tenantId, {
        name,
        phone,
        email: request.email ? request.email.trim().toLowerCase() : null,
        leadSource: request.leadSource,
        assignedUserId: request.assignedUserId ?? null,
      });
      if (!row) {
        const existing = await this.leads.findIdByPhone(db, tenantId, phone);
        throw new DomainError('CONFLICT', `a lead with phone ${phone} already exists`, {
          field: 'phone',
          leadId: existing ?? undefined,
        });
      }
      await this.outbox.enqueue(db, tenantId, Events.leadCreated, leadCreatedEvent(row));
      await this.activity.append(db, tenantId, {
        leadId: row.id,
        kind: 'created',
        at: row.created_at,
        actorUserId: request.actorUserId,
        details: originOfSource(row.lead_source),
      });
      if (!row.assigned_user_id) await this.assignment.assignNewLead(db, tenantId, row.id);
      return { ...(await this.findView(db, tenantId, row.id)), phone };
    });
    this.outbox.kick();
    return view;
  }

  async updateStatus(
    tenantId: string,
    leadId: string,
    status: LeadStatus,
    viewer?: LeadViewer,
  ): Promise<LeadView> {
    return this.update({ tenantId, leadId, status, viewer });
  }

  /**
   * Change any of name, email, phone (normalised; another lead's phone is a CONFLICT naming it), assignee (an active
   * user of the tenant), status, notes and tags. Emits `lead.updated` with the fields that changed,
   * `lead.assigned` when the assignee changed and `lead.status-changed` when the status did.
   */
  async update(request: UpdateLeadRequest): Promise<LeadView> {
    const { tenantId, leadId, viewer } = request;
    const wanted = this.validChanges(request);
    let changed = false;
    try {
      const view = await this.db.withTenant(tenantId, async (db) => {
        const current = await this.leads.lock(db, tenantId, leadId, visibleTo(viewer));
        if (!current) throw new DomainError('NOT_FOUND', 'lead not found');
        const changes = differences(current, wanted);
        if (changes.email === null && !(changes.phone ?? current.phone)) {
          throw new DomainError('VALIDATION', 'a lead without a phone keeps its email: add a phone first', {
            field: 'email',
          });
        }
        if (changes.phone) await this.checkPhoneFree(db, tenantId, changes.phone, leadId);
        if (changes.assigned_user_id) {
          await this.checkAssignable(db, tenantId, changes.assigned_user_id, 'NOT_FOUND');
        }
        const fields = Object.keys(changes).map(fieldOf);
        if (fields.length > 0) {
          const updatedAt = (await this.leads.update(db, tenantId, leadId, changes)).toISOString();
          await this.enqueueChangeEvents(db, current, changes, fields, updatedAt, viewer?.userId);
          changed = true;
        }
        return this.findView(db, tenantId, leadId);
      });
      if (changed) this.outbox.kick();
      return view;
    } catch (error) {
      // Two requests giving the same phone at once: the unique index decides; name the winner.
      if (uniqueViolation(error) === 'leads_tenant_phone_key' && wanted.phone) {
        await this.db.withTenant(tenantId, (db) => this.checkPhoneFree(db, tenantId, wanted.phone!, leadId));
      }
      throw error;
    }
  }

  private validChanges(request: UpdateLeadRequest): LeadChanges {
    const changes: LeadChanges = {};
    if (request.name !== undefined) {
      const name = request.name.trim();
      if (!name) throw new DomainError('VALIDATION', 'name must not be blank');
      changes.name = name;
    }
    if (request.email !== undefined) changes.email = request.email?.trim().toLowerCase() || null;
    if (request.phone !== undefined) {
      const phone = normalizePhone(request.phone);
      if (!phone) throw new DomainError('VALIDATION', 'phone must be in E.164 format, e.g. +5215512345678');
      changes.phone = phone;
    }
    if (request.assignedUserId !== undefined) changes.assigned_user_id = request.assignedUserId;
    if (request.status !== undefined) changes.status = request.status;
    if (request.notes !== undefined) changes.notes = request.notes?.trim() || null;
    if (request.tags !== undefined) {
      const tags = [...new Set(request.tags.map((tag) => tag.trim()))];
      if (tags.some((tag) => !tag)) throw new DomainError('VALIDATION', 'tags must not be blank');
      changes.tags = tags;
    }
    if (request.optedOut !== undefined) changes.opted_out = request.optedOut;
    return changes;
  }

  private async enqueueChangeEvents(
    db: EntityManager,
    current: LeadRow,
    changes: LeadChanges,
    fields: LeadUpdatableField[],
    updatedAt: string,
    byUserId: string | undefined,
  ): Promise<void> {
    const { tenant_id: tenantId, id: leadId } = current;
    const updated: LeadUpdatedEvent = { tenantId, leadId, fields, updatedAt };
    if (byUserId) updated.byUserId = byUserId;
    await this.outbox.enqueue(db, tenantId, Events.leadUpdated, updated);
    if (changes.assigned_user_id !== undefined) {
      const assigned: LeadAssignedEvent = {
        tenantId,
        leadId,
        from: current.assigned_user_id,
        to: changes.assigned_user_id,
        reason: 'manual',
        assignedAt: updatedAt,
      };
      await this.outbox.enqueue(db, tenantId, Events.leadAssigned, assigned);
      await this.activity.append(db, tenantId, {
        leadId,
        kind: 'assigned',
        actorUserId: byUserId,
        details: { from: assigned.from, to: assigned.to, reason: 'manual' },
      });
    }
    if (changes.status !== undefined) {
      const statusChanged: LeadStatusChangedEvent = {
        tenantId,
        leadId,
        from: current.status,
        to: changes.status,
        changedAt: updatedAt,
      };
      await this.outbox.enqueue(db, tenantId, Events.leadStatusChanged, statusChanged);
      await this.activity.append(db, tenantId, {
        leadId,
        kind: 'status_changed',
        actorUserId: byUserId,
        details: { from: current.status, to: changes.status },
      });
    }
    if (changes.opted_out !== undefined) {
      // By hand: ceo, professional or the lead's own seller (a setter/closer only reaches their leads).
      await this.activity.append(db, tenantId, {
        leadId,
        kind: changes.opted_out ? 'opted_out' : 'opted_in',
        actorUserId: byUserId,
        details: { source: 'manual', text: null },
      });
      const phone = changes.phone ?? current.phone;
      // A lead without a phone (Lead Ads, email only) has no WhatsApp to stop; the flag on the lead still holds.
      if (changes.opted_out && phone) {
        await this.outbox.enqueue(db, tenantId, Events.leadOptedOut, {
          tenantId,
          leadId,
          phone,
          source: 'manual',
          at: updatedAt,
        });
      }
    }
  }

  private async checkPhoneFree(db: EntityManager, tenantId: string, phone: string, leadId: string) {
    const other = await this.leads.findOtherByPhone(db, tenantId, phone, leadId);
    if (other) {
      throw new DomainError(
        'CONFLICT',
        `phone ${phone} already belongs to lead "${other.name}" (${other.id})`,
        { field: 'phone', leadId: other.id, leadName: other.name },
      );
    }
  }

  /** An unknown user is `unknownCode` (creation has always said VALIDATION; the PATCH of a lead says NOT_FOUND). */
  private async checkAssignable(
    db: EntityManager,
    tenantId: string,
    userId: string,
    unknownCode: 'VALIDATION' | 'NOT_FOUND',
  ): Promise<void> {
    const active = await this.users.findActive(db, tenantId, userId);
    if (active === null) throw new DomainError(unknownCode, 'assignedUserId is not a user of this tenant');
    if (!active) throw new DomainError('VALIDATION', 'assigned user is deactivated');
  }

  private async findView(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    visibleToUser?: string,
  ): Promise<LeadView> {
    const view = await this.leads.findView(db, tenantId, leadId, visibleToUser);
    if (!view) throw new DomainError('NOT_FOUND', 'lead not found');
    return view;
  }
}

const FIELD_BY_COLUMN: Record<keyof LeadChanges, LeadUpdatableField> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  assigned_user_id: 'assignedUserId',
  status: 'status',
  notes: 'notes',
  tags: 'tags',
  opted_out: 'optedOut',
};

function fieldOf(column: string): LeadUpdatableField {
  return FIELD_BY_COLUMN[column as keyof LeadChanges];
}

/** The wanted changes that differ from the current row (tags compared as ordered lists). */
function differences(current: LeadRow, wanted: LeadChanges): LeadChanges {
  const changes: LeadChanges = {};
  for (const [column, value] of Object.entries(wanted) as [keyof LeadChanges, unknown][]) {
    const now: unknown = current[column];
    const same = Array.isArray(value) ? JSON.stringify(value) === JSON.stringify(now) : value === now;
    if (!same) Object.assign(changes, { [column]: value });
  }
  return changes;
}
