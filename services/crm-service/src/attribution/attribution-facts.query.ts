import type { AttributionLeadFacts } from '@crm/contracts';
import type { EntityManager } from 'typeorm';

type FactsRow = {
  id: string;
  created_at: Date;
  updated_at: Date;
  meta_ad_id: string | null;
  meta_adset_id: string | null;
  meta_campaign_id: string | null;
  opportunities: {
    id: string;
    status: AttributionLeadFacts['opportunities'][number]['status'];
    created_at: string;
    closed_at: string | null;
    updated_at: string;
  }[];
  sales: {
    id: string;
    opportunity_id: string | null;
    amount: number;
    currency: string;
    status: AttributionLeadFacts['sales'][number]['status'];
    completed_at: string | null;
    refunded_at: string | null;
    updated_at: string;
  }[];
};

const LEAD_COLUMNS = 'id, created_at, updated_at, meta_ad_id, meta_adset_id, meta_campaign_id';

/** The leads selected by `leads` (a query of `LEAD_COLUMNS` over crm.leads), each with its opportunities and sales. */
const factsSql = (leads: string): string => `
  WITH page AS (${leads})
  SELECT p.*,
         (SELECT coalesce(json_agg(json_build_object(
                   'id', o.id, 'status', o.status, 'created_at', o.created_at, 'closed_at', o.closed_at,
                   'updated_at', o.updated_at) ORDER BY o.id), '[]'::json)
            FROM crm.opportunities o WHERE o.tenant_id = $1 AND o.lead_id = p.id) AS opportunities,
         (SELECT coalesce(json_agg(json_build_object(
                   'id', s.id, 'opportunity_id', s.opportunity_id, 'amount', s.amount, 'currency', s.currency,
                   'status', s.status, 'completed_at', s.completed_at, 'refunded_at', s.refunded_at,
                   'updated_at', s.updated_at) ORDER BY s.id), '[]'::json)
            FROM crm.sales_transactions s WHERE s.tenant_id = $1 AND s.lead_id = p.id) AS sales
    FROM page p
   ORDER BY p.id`;

/**
 * One keyset page (by lead id) of the tenant's META_ADS leads, each with its opportunities and sales: what the
 * marketing read model is rebuilt from. Three index lookups per lead (leads by (tenant, id); opportunities and sales
 * by (tenant, lead)).
 */
const FACTS_PAGE_SQL = factsSql(`
    SELECT ${LEAD_COLUMNS}
      FROM crm.leads
     WHERE tenant_id = $1 AND lead_source = 'META_ADS' AND ($2::uuid IS NULL OR id > $2::uuid)
     ORDER BY id
     LIMIT $3`);

/** One META_ADS lead with its opportunities and sales (`lead.attributed`). */
const LEAD_FACTS_SQL = factsSql(`
    SELECT ${LEAD_COLUMNS} FROM crm.leads WHERE tenant_id = $1 AND id = $2 AND lead_source = 'META_ADS'`);

const instant = (value: string | Date): string => new Date(value).toISOString();
const optionalInstant = (value: string | Date | null): string | null => (value ? instant(value) : null);

export async function attributionFactsPage(
  db: EntityManager,
  tenantId: string,
  afterLeadId: string | null,
  limit: number,
): Promise<AttributionLeadFacts[]> {
  const rows: FactsRow[] = await db.query(FACTS_PAGE_SQL, [tenantId, afterLeadId, limit]);
  return rows.map(toLeadFacts);
}

/** The lead's attribution facts as this transaction sees them; null when it is not a META_ADS lead of the tenant. */
export async function attributionFactsOfLead(
  db: EntityManager,
  tenantId: string,
  leadId: string,
): Promise<AttributionLeadFacts | null> {
  const rows: FactsRow[] = await db.query(LEAD_FACTS_SQL, [tenantId, leadId]);
  return rows[0] ? toLeadFacts(rows[0]) : null;
}

function toLeadFacts(row: FactsRow): AttributionLeadFacts {
  return {
    leadId: row.id,
    createdAt: instant(row.created_at),
    updatedAt: instant(row.updated_at),
    metaAdId: row.meta_ad_id,
    metaAdsetId: row.meta_adset_id,
    metaCampaignId: row.meta_campaign_id,
    opportunities: row.opportunities.map((o) => ({
      opportunityId: o.id,
      status: o.status,
      createdAt: instant(o.created_at),
      closedAt: optionalInstant(o.closed_at),
      updatedAt: instant(o.updated_at),
    })),
    sales: row.sales.map((s) => ({
      saleId: s.id,
      opportunityId: s.opportunity_id,
      amount: Number(s.amount),
      currency: s.currency.trim(),
      status: s.status,
      completedAt: optionalInstant(s.completed_at),
      refundedAt: optionalInstant(s.refunded_at),
      updatedAt: instant(s.updated_at),
    })),
  };
}
