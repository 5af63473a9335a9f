import { Injectable } from '@nestjs/common';
import { DASHBOARD_LEAD_DAYS, DomainError, type CrmDashboard, type DashboardRequest } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { LeadStore } from '../leads/lead-store';
import { OpportunityStore } from '../leads/opportunity-store';
import { SaleStore } from '../leads/sale-store';
import { visibilityOf } from '../opportunities/visibility';
import { TenantStore } from '../tenancy/tenant-store';

const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class DashboardService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly tenants: TenantStore,
    private readonly opportunities: OpportunityStore,
    private readonly sales: SaleStore,
    private readonly leads: LeadStore,
  ) {}

  /**
   * The caller's numbers, in one tenant transaction (one snapshot): a setter or closer sees the opportunities and
   * sales visible to them (see `visibilityOf`) and the leads assigned to them, like in the lists.
   */
  async get(request: DashboardRequest): Promise<CrmDashboard> {
    const { tenantId } = request;
    const visibleTo = visibilityOf(request);
    const since = new Date(Date.now() - DASHBOARD_LEAD_DAYS * DAY_MS);
    return this.db.withTenant(tenantId, async (db) => {
      const tenant = await this.tenants.find(db, tenantId);
      if (!tenant) throw new DomainError('NOT_FOUND', `tenant ${tenantId} not found`);
      const pipeline = await this.opportunities.statusTotals(db, tenantId, visibleTo);
      const revenue = await this.sales.monthlyRevenue(db, tenantId, visibleTo, tenant.timezone);
      const leads = await this.leads.recentCounts(db, tenantId, since, visibleTo);
      return {
        scope: visibleTo ? 'own' : 'tenant',
        timezone: tenant.timezone,
        pipeline,
        revenue,
        leads: { since: since.toISOString(), ...leads },
      };
    });
  }
}
