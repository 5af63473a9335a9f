import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Rpc,
  type LeadDetail,
  type OpportunityView,
  type SaleView,
  type TenantView,
} from '@crm/contracts';
import { RpcClient, TtlCache } from '@crm/nest-common';
import type { RuleFacts } from './rule-conditions';

/** The lead with the opportunity and sale a send is about (from `crm.leads.get`, which carries both lists). */
export type LoadedFacts = RuleFacts & {
  lead: LeadDetail;
  opportunity: OpportunityView | null;
  sale: SaleView | null;
};

/**
 * How long a tenant's own details (name, locale, currency…: `{{tenant.name}}` in a message) are reused before
 * crm-service is asked again. They change rarely; every send asking for them cost an RPC and a transaction.
 */
export const TENANT_TTL_MS = 30_000;

/** Reads what conditions and variables are evaluated against from crm-service (read-only calls only). */
@Injectable()
export class RuleFactsLoader {
  /** The tenant's details per tenant (concurrent sends share one call). */
  private readonly tenants = new TtlCache<string, TenantView>({ ttlMs: TENANT_TTL_MS, maxEntries: 10_000 });

  constructor(private readonly rpc: RpcClient) {}

  /** Null when the lead no longer exists. */
  async load(
    tenantId: string,
    leadId: string,
    about: { opportunityId?: string | null; saleId?: string | null } = {},
  ): Promise<LoadedFacts | null> {
    let lead: LeadDetail;
    try {
      lead = await this.rpc.call(Rpc.crm.getLead, { tenantId, leadId });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
    return {
      lead,
      opportunity: about.opportunityId
        ? (lead.opportunities.find((o) => o.id === about.opportunityId) ?? null)
        : null,
      sale: about.saleId ? (lead.sales.find((s) => s.id === about.saleId) ?? null) : null,
    };
  }

  /** The tenant's details, at most TENANT_TTL_MS old. A failed call is not kept. */
  tenant(tenantId: string): Promise<TenantView> {
    return this.tenants.getOrLoad(tenantId, () => this.rpc.call(Rpc.crm.getTenant, { tenantId }));
  }

  /** The lead whose phone this is (WhatsApp's `wa_id`, digits only), or null. */
  async leadIdByPhone(tenantId: string, phone: string): Promise<string | null> {
    const page = await this.rpc.call(Rpc.crm.listLeads, { tenantId, search: phone, pageSize: 5 });
    const digits = phone.replace(/\D/g, '');
    const match = page.items.find((lead) => lead.phone?.replace(/\D/g, '') === digits);
    return match?.id ?? null;
  }
}
