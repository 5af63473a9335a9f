import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type AttributionFactsPage,
  type AttributionRow,
  type AttributionSummary,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { LeadStore, type AttributionFactsRow } from '../leads/lead-store';
import { attributionFactsPage } from './attribution-facts.query';

const DEFAULT_FACTS_PAGE = 1000;

@Injectable()
export class AttributionService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly leads: LeadStore,
  ) {}

  async summary(tenantId: string, since: string, until: string): Promise<AttributionSummary> {
    const start = new Date(since);
    const end = new Date(until);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
      throw new DomainError('VALIDATION', 'since and until must be ISO-8601 instants');
    }
    if (start.getTime() >= end.getTime()) throw new DomainError('VALIDATION', 'since must be before until');
    const { rows, salesCurrencies } = await this.db.withTenant(tenantId, (db) =>
      this.leads.metaAttribution(db, tenantId, start, end),
    );
    return { rows: rows.map(toAttributionRow), salesCurrencies };
  }

  /** One page of the tenant's META_ADS leads with their opportunities and sales (the read-model rebuild). */
  async factsPage(
    tenantId: string,
    afterLeadId: string | undefined,
    limit = DEFAULT_FACTS_PAGE,
  ): Promise<AttributionFactsPage> {
    const leads = await this.db.withTenant(tenantId, (db) =>
      attributionFactsPage(db, tenantId, afterLeadId ?? null, limit),
    );
    return { leads, nextAfterLeadId: leads.length === limit ? leads[leads.length - 1].leadId : null };
  }
}

function toAttributionRow(row: AttributionFactsRow): AttributionRow {
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
