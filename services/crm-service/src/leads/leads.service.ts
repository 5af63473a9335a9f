import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Events,
  type CreateLeadRequest,
  type LeadDetail,
  type LeadStatus,
  type LeadStatusChangedEvent,
  type LeadView,
  type ListLeadsRequest,
  type Page,
} from '@crm/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { normalizePhone } from '@crm/contracts';
import { updateReturning } from '../common/sql';
import { OutboxService } from '@crm/nest-common';
import {
  LEAD_SELECT,
  insertLeadIfAbsent,
  leadCreatedEvent,
  likePattern,
  toLeadView,
  toOpportunityView,
  toSaleView,
  type LeadRow,
  type OpportunityRow,
  type SaleRow,
} from './lead-store';

export const DEFAULT_PAGE_SIZE = 25;

@Injectable()
export class LeadsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async list(request: ListLeadsRequest): Promise<Page<LeadView>> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
    const conditions = ['l.tenant_id = $1'];
    const params: unknown[] = [request.tenantId];
    if (request.status) {
      params.push(request.status);
      conditions.push(`l.status = $${params.length}`);
    }
    if (request.source) {
      params.push(request.source);
      conditions.push(`l.lead_source = $${params.length}`);
    }
    const search = request.search?.trim();
    if (search) {
      params.push(likePattern(search));
      const text = `$${params.length}`;
      // "55 1234-5678" should find +5215512345678: compare phones without separators.
      const digits = search.replace(/[\s\-().]/g, '');
      params.push(likePattern(digits || search));
      const phone = `$${params.length}`;
      conditions.push(`(l.name ILIKE ${text} OR l.email ILIKE ${text} OR l.phone ILIKE ${phone})`);
    }
    const where = conditions.join(' AND ');
    const [countRows, rows] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*)::int AS total FROM crm.leads l WHERE ${where}`,
        params,
      ) as Promise<{ total: number }[]>,
      this.dataSource.query(
        `${LEAD_SELECT} WHERE ${where} ORDER BY l.created_at DESC, l.id DESC
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, pageSize, (page - 1) * pageSize],
      ) as Promise<LeadRow[]>,
    ]);
    return { items: rows.map(toLeadView), total: countRows[0].total, page, pageSize };
  }

  async get(tenantId: string, leadId: string): Promise<LeadDetail> {
    const lead = await this.findView(this.dataSource.manager, tenantId, leadId);
    const [opportunities, sales] = await Promise.all([
      this.dataSource.query(
        `SELECT id, lead_id, title, value, currency, status, deadline, created_at
           FROM crm.opportunities WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id`,
        [tenantId, leadId],
      ) as Promise<OpportunityRow[]>,
      this.dataSource.query(
        `SELECT id, lead_id, opportunity_id, amount, currency, status, completed_at
           FROM crm.sales_transactions WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id`,
        [tenantId, leadId],
      ) as Promise<SaleRow[]>,
    ]);
    return { ...lead, opportunities: opportunities.map(toOpportunityView), sales: sales.map(toSaleView) };
  }

  async create(request: CreateLeadRequest): Promise<LeadView> {
    const { tenantId } = request;
    const phone = normalizePhone(request.phone);
    if (!phone) throw new DomainError('VALIDATION', 'phone must be in E.164 format, e.g. +5215512345678');
    const name = request.name.trim();
    if (!name) throw new DomainError('VALIDATION', 'name must not be blank');
    const view = await this.dataSource.transaction(async (manager) => {
      if (request.assignedUserId) await this.requireUser(manager, tenantId, request.assignedUserId);
      const row = await insertLeadIfAbsent(manager, tenantId, {
        name,
        phone,
        email: request.email ? request.email.trim().toLowerCase() : null,
        leadSource: request.leadSource,
        assignedUserId: request.assignedUserId ?? null,
      });
      if (!row) {
        const existing: { id: string }[] = await manager.query(
          `SELECT id FROM crm.leads WHERE tenant_id = $1 AND phone = $2`,
          [tenantId, phone],
        );
        throw new DomainError('CONFLICT', `a lead with phone ${phone} already exists`, {
          field: 'phone',
          leadId: existing[0]?.id,
        });
      }
      await this.outbox.enqueue(manager, tenantId, Events.leadCreated, leadCreatedEvent(row));
      return this.findView(manager, tenantId, row.id);
    });
    this.outbox.kick();
    return view;
  }

  async updateStatus(tenantId: string, leadId: string, status: LeadStatus): Promise<LeadView> {
    let changed = false;
    const view = await this.dataSource.transaction(async (manager) => {
      const rows: { status: LeadStatus }[] = await manager.query(
        `SELECT status FROM crm.leads WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [tenantId, leadId],
      );
      if (!rows[0]) throw new DomainError('NOT_FOUND', 'lead not found');
      const from = rows[0].status;
      if (from !== status) {
        const updated = await updateReturning<{ updated_at: Date }>(
          manager,
          `UPDATE crm.leads SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2
           RETURNING updated_at`,
          [tenantId, leadId, status],
        );
        const event: LeadStatusChangedEvent = {
          tenantId,
          leadId,
          from,
          to: status,
          changedAt: updated[0].updated_at.toISOString(),
        };
        await this.outbox.enqueue(manager, tenantId, Events.leadStatusChanged, event);
        changed = true;
      }
      return this.findView(manager, tenantId, leadId);
    });
    if (changed) this.outbox.kick();
    return view;
  }

  private async findView(manager: EntityManager, tenantId: string, leadId: string): Promise<LeadView> {
    const rows: LeadRow[] = await manager.query(`${LEAD_SELECT} WHERE l.tenant_id = $1 AND l.id = $2`, [
      tenantId,
      leadId,
    ]);
    if (!rows[0]) throw new DomainError('NOT_FOUND', 'lead not found');
    return toLeadView(rows[0]);
  }

  private async requireUser(manager: EntityManager, tenantId: string, userId: string): Promise<void> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM crm.users WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      userId,
    ]);
    if (rows.length === 0) throw new DomainError('VALIDATION', 'assignedUserId is not a user of this tenant');
  }
}
