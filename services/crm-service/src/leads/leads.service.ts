import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Events,
  normalizePhone,
  type CreateLeadRequest,
  type LeadDetail,
  type LeadStatus,
  type LeadStatusChangedEvent,
  type LeadView,
  type ListLeadsRequest,
  type Page,
} from '@crm/contracts';
import { OutboxService, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { UserStore } from '../tenancy/user-store';
import { LeadStore, leadCreatedEvent } from './lead-store';
import { OpportunityStore } from './opportunity-store';
import { SaleStore } from './sale-store';

export const DEFAULT_PAGE_SIZE = 25;

@Injectable()
export class LeadsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly leads: LeadStore,
    private readonly opportunities: OpportunityStore,
    private readonly sales: SaleStore,
    private readonly users: UserStore,
    private readonly outbox: OutboxService,
  ) {}

  async list(request: ListLeadsRequest): Promise<Page<LeadView>> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
    const { tenantId } = request;
    const { items, total } = await this.db.withTenant(tenantId, (db) =>
      this.leads.page(db, tenantId, request, page, pageSize),
    );
    return { items, total, page, pageSize };
  }

  async get(tenantId: string, leadId: string): Promise<LeadDetail> {
    return this.db.withTenant(tenantId, async (db) => {
      const lead = await this.findView(db, tenantId, leadId);
      const opportunities = await this.opportunities.listForLead(db, tenantId, leadId);
      const sales = await this.sales.listForLead(db, tenantId, leadId);
      return { ...lead, opportunities, sales };
    });
  }

  async create(request: CreateLeadRequest): Promise<LeadView> {
    const { tenantId } = request;
    const phone = normalizePhone(request.phone);
    if (!phone) throw new DomainError('VALIDATION', 'phone must be in E.164 format, e.g. +5215512345678');
    const name = request.name.trim();
    if (!name) throw new DomainError('VALIDATION', 'name must not be blank');
    const view = await this.db.withTenant(tenantId, async (db) => {
      if (request.assignedUserId && !(await this.users.exists(db, tenantId, request.assignedUserId))) {
        throw new DomainError('VALIDATION', 'assignedUserId is not a user of this tenant');
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
      return this.findView(db, tenantId, row.id);
    });
    this.outbox.kick();
    return view;
  }

  async updateStatus(tenantId: string, leadId: string, status: LeadStatus): Promise<LeadView> {
    let changed = false;
    const view = await this.db.withTenant(tenantId, async (db) => {
      const from = await this.leads.lockStatus(db, tenantId, leadId);
      if (!from) throw new DomainError('NOT_FOUND', 'lead not found');
      if (from !== status) {
        const changedAt = await this.leads.setStatus(db, tenantId, leadId, status);
        const event: LeadStatusChangedEvent = {
          tenantId,
          leadId,
          from,
          to: status,
          changedAt: changedAt.toISOString(),
        };
        await this.outbox.enqueue(db, tenantId, Events.leadStatusChanged, event);
        changed = true;
      }
      return this.findView(db, tenantId, leadId);
    });
    if (changed) this.outbox.kick();
    return view;
  }

  private async findView(db: EntityManager, tenantId: string, leadId: string): Promise<LeadView> {
    const view = await this.leads.findView(db, tenantId, leadId);
    if (!view) throw new DomainError('NOT_FOUND', 'lead not found');
    return view;
  }
}
