import { Injectable } from '@nestjs/common';
import { DomainError, type AttributionRow, type AttributionSummary } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';

type SummaryRow = {
  meta_campaign_id: string | null;
  meta_adset_id: string | null;
  meta_ad_id: string | null;
  leads: number;
  opportunities: number;
  sales: number;
  revenue: string;
};

/**
 * Per (campaign, ad set, ad) over META_ADS leads, for instants in [since, until):
 * - leads: leads created in range;
 * - opportunities: every opportunity of those leads (the lead's creation decides, not the opportunity's);
 * - sales / revenue: completed sales of META_ADS leads whose completed_at is in range (any lead creation date).
 * Revenue adds amounts as recorded; `salesCurrencies` says which currencies went into it.
 */
const SUMMARY_SQL = `
  WITH ranged_leads AS (
    SELECT id, meta_campaign_id, meta_adset_id, meta_ad_id
      FROM crm.leads
     WHERE tenant_id = $1 AND lead_source = 'META_ADS' AND created_at >= $2 AND created_at < $3
  ), facts AS (
    SELECT meta_campaign_id, meta_adset_id, meta_ad_id,
           count(*) AS leads, 0::bigint AS opportunities, 0::bigint AS sales, 0::numeric AS revenue
      FROM ranged_leads
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT l.meta_campaign_id, l.meta_adset_id, l.meta_ad_id, 0, count(*), 0, 0
      FROM ranged_leads l
      JOIN crm.opportunities o ON o.tenant_id = $1 AND o.lead_id = l.id
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT l.meta_campaign_id, l.meta_adset_id, l.meta_ad_id, 0, 0, count(*), sum(s.amount)
      FROM crm.sales_transactions s
      JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
     WHERE s.tenant_id = $1 AND s.status = 'completed' AND s.completed_at >= $2 AND s.completed_at < $3
       AND l.lead_source = 'META_ADS'
     GROUP BY 1, 2, 3
  )
  SELECT meta_campaign_id, meta_adset_id, meta_ad_id,
         sum(leads)::int AS leads, sum(opportunities)::int AS opportunities, sum(sales)::int AS sales,
         sum(revenue)::text AS revenue
    FROM facts
   GROUP BY 1, 2, 3
   ORDER BY 1 NULLS LAST, 2 NULLS LAST, 3 NULLS LAST`;

const CURRENCIES_SQL = `
  SELECT DISTINCT s.currency
    FROM crm.sales_transactions s
    JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
   WHERE s.tenant_id = $1 AND s.status = 'completed' AND s.completed_at >= $2 AND s.completed_at < $3
     AND l.lead_source = 'META_ADS'
   ORDER BY 1`;

@Injectable()
export class AttributionService {
  constructor(private readonly db: TenantDatabase) {}

  async summary(tenantId: string, since: string, until: string): Promise<AttributionSummary> {
    const start = new Date(since);
    const end = new Date(until);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
      throw new DomainError('VALIDATION', 'since and until must be ISO-8601 instants');
    }
    if (start.getTime() >= end.getTime()) throw new DomainError('VALIDATION', 'since must be before until');
    const params = [tenantId, start, end];
    const { rows, currencies } = await this.db.withTenant(tenantId, async (db) => ({
      rows: (await db.query(SUMMARY_SQL, params)) as SummaryRow[],
      currencies: (await db.query(CURRENCIES_SQL, params)) as { currency: string }[],
    }));
    return { rows: rows.map(toAttributionRow), salesCurrencies: currencies.map((c) => c.currency) };
  }
}

function toAttributionRow(row: SummaryRow): AttributionRow {
  return {
    metaCampaignId: row.meta_campaign_id,
    metaAdsetId: row.meta_adset_id,
    metaAdId: row.meta_ad_id,
    leads: row.leads,
    opportunities: row.opportunities,
    sales: row.sales,
    revenue: Math.round(Number(row.revenue) * 100) / 100,
  };
}
