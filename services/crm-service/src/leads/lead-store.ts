import type {
  LeadCreatedEvent,
  LeadSource,
  LeadStatus,
  LeadView,
  OpportunityView,
  SaleView,
} from '@crm/contracts';
import { INITIAL_LEAD_STATUS } from '@crm/contracts';
import type { EntityManager } from 'typeorm';

/** A lead as read by `LEAD_SELECT` (snake_case straight from PostgreSQL). */
export type LeadRow = {
  id: string;
  tenant_id: string;
  name: string;
  phone: string;
  email: string | null;
  status: LeadStatus;
  lead_source: LeadSource;
  meta_ad_id: string | null;
  meta_adset_id: string | null;
  meta_campaign_id: string | null;
  ctwa_clid: string | null;
  meta_leadgen_id: string | null;
  opted_out: boolean;
  assigned_user_id: string | null;
  assigned_user_name?: string | null;
  created_at: Date;
};

/** Leads with the assigned seller's name; callers append `WHERE l.tenant_id = $1 ...`. */
export const LEAD_SELECT = `
  SELECT l.id, l.tenant_id, l.name, l.phone, l.email, l.status, l.lead_source, l.meta_ad_id, l.meta_adset_id,
         l.meta_campaign_id, l.ctwa_clid, l.meta_leadgen_id, l.opted_out, l.assigned_user_id, l.created_at,
         u.name AS assigned_user_name
    FROM crm.leads l
    LEFT JOIN crm.users u ON u.tenant_id = l.tenant_id AND u.id = l.assigned_user_id`;

export type NewLead = {
  name: string;
  /** Already normalised (see `normalizePhone`). */
  phone: string;
  email?: string | null;
  status?: LeadStatus;
  leadSource: LeadSource;
  metaAdId?: string | null;
  metaAdsetId?: string | null;
  metaCampaignId?: string | null;
  ctwaClid?: string | null;
  metaLeadgenId?: string | null;
  assignedUserId?: string | null;
  createdAt?: Date;
};

/**
 * Insert a lead unless one with the same phone (or the same leadgen id) exists in the tenant.
 * Returns the new row, or `null` when a unique constraint made it a no-op. Safe under concurrency.
 */
export async function insertLeadIfAbsent(
  manager: EntityManager,
  tenantId: string,
  lead: NewLead,
): Promise<LeadRow | null> {
  const rows: LeadRow[] = await manager.query(
    `INSERT INTO crm.leads (tenant_id, name, phone, email, status, lead_source, meta_ad_id, meta_adset_id,
                            meta_campaign_id, ctwa_clid, meta_leadgen_id, assigned_user_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, COALESCE($13, now()), COALESCE($13, now()))
     ON CONFLICT DO NOTHING
     RETURNING id, tenant_id, name, phone, email, status, lead_source, meta_ad_id, meta_adset_id, meta_campaign_id,
               ctwa_clid, meta_leadgen_id, opted_out, assigned_user_id, created_at`,
    [
      tenantId,
      lead.name,
      lead.phone,
      lead.email ?? null,
      lead.status ?? INITIAL_LEAD_STATUS,
      lead.leadSource,
      lead.metaAdId ?? null,
      lead.metaAdsetId ?? null,
      lead.metaCampaignId ?? null,
      lead.ctwaClid ?? null,
      lead.metaLeadgenId ?? null,
      lead.assignedUserId ?? null,
      lead.createdAt ?? null,
    ],
  );
  return rows[0] ?? null;
}

export function leadCreatedEvent(row: LeadRow): LeadCreatedEvent {
  const event: LeadCreatedEvent = {
    tenantId: row.tenant_id,
    leadId: row.id,
    name: row.name,
    phone: row.phone,
    status: row.status,
    leadSource: row.lead_source,
    createdAt: row.created_at.toISOString(),
  };
  if (row.meta_ad_id) event.metaAdId = row.meta_ad_id;
  return event;
}

export function toLeadView(row: LeadRow): LeadView {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    status: row.status,
    leadSource: row.lead_source,
    metaAdId: row.meta_ad_id,
    metaAdsetId: row.meta_adset_id,
    metaCampaignId: row.meta_campaign_id,
    ctwaClid: row.ctwa_clid,
    optedOut: row.opted_out,
    assignedUserId: row.assigned_user_id,
    assignedUserName: row.assigned_user_name ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export type OpportunityRow = {
  id: string;
  lead_id: string;
  title: string;
  value: string;
  currency: string;
  status: OpportunityView['status'];
  deadline: Date | null;
  created_at: Date;
};

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

export type SaleRow = {
  id: string;
  lead_id: string;
  opportunity_id: string | null;
  amount: string;
  currency: string;
  status: SaleView['status'];
  completed_at: Date | null;
};

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

/** Escape `%`, `_` and `\` so user text is matched literally by ILIKE. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
