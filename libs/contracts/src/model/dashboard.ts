import type { IsoInstant } from './common';
import type { LeadSource, OpportunityStatus } from './crm';
import type { MoneyTotal } from './opportunities';

/** Leads counted on the dashboard are those created in the last this many days. */
export const DASHBOARD_LEAD_DAYS = 30;

/** Opportunities of one status: how many and what they add up to, per currency (largest first, never summed). */
export type DashboardPipelineStatus = { status: OpportunityStatus; count: number; totals: MoneyTotal[] };

/** Completed sales of one calendar month in the tenant's timezone, `[from, to)`. */
export type DashboardMonthRevenue = {
  from: IsoInstant;
  to: IsoInstant;
  sales: number;
  /** One entry per currency, largest first. */
  totals: MoneyTotal[];
};

export type DashboardLeadsBySource = { source: LeadSource; count: number };

/** `userId`/`name` null: leads nobody is assigned to. */
export type DashboardLeadsBySeller = { userId: string | null; name: string | null; count: number };

export type CrmDashboard = {
  /** `tenant`: every row of the tenant (ceo, professional); `own`: only what a setter or closer may see. */
  scope: 'tenant' | 'own';
  /** The tenant's timezone the months are cut in. */
  timezone: string;
  /** One entry per status, in `OPPORTUNITY_STATUSES` order. */
  pipeline: DashboardPipelineStatus[];
  revenue: { thisMonth: DashboardMonthRevenue; lastMonth: DashboardMonthRevenue };
  /** Leads created in `[since, now)`, the last `DASHBOARD_LEAD_DAYS` days. */
  leads: {
    since: IsoInstant;
    total: number;
    /** Most first, then by source. */
    bySource: DashboardLeadsBySource[];
    /** Most first, then by name (unassigned last). */
    bySeller: DashboardLeadsBySeller[];
  };
};
