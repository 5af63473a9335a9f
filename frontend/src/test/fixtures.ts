import {
  LIST_TOTAL_CAP,
  type ConnectionStatus,
  type FunnelMetrics,
  type LeadDetail,
  type LeadView,
  type MarketingReport,
  type Page,
  type ProtectionSettingsView,
  type ReportMetrics,
  type StatsReport,
} from '@crm/contracts/browser';

/** 10:23 in Mexico City. */
export const CREATED_AT = '2026-11-26T16:23:00.000Z';

export function lead(overrides: Partial<LeadView> = {}): LeadView {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    name: 'Lucía Hernández',
    phone: '+5215512345678',
    email: 'lucia@example.mx',
    status: 'nuevo',
    leadSource: 'META_ADS',
    metaAdId: '120210000000000001',
    metaAdsetId: '120210000000000002',
    metaCampaignId: '120210000000000003',
    ctwaClid: null,
    optedOut: false,
    assignedUserId: null,
    assignedUserName: null,
    assignedUserPhone: null,
    notes: null,
    tags: [],
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
}

export function leadDetail(overrides: Partial<LeadDetail> = {}): LeadDetail {
  const base = lead();
  return {
    ...base,
    assignedUserName: 'Carlos Closer',
    opportunities: [
      {
        id: 'opp-1',
        leadId: base.id,
        title: 'Departamento en Polanco',
        value: 118422.56,
        currency: 'MXN',
        status: 'pending',
        deadline: null,
        createdAt: CREATED_AT,
        leadName: base.name,
        ownerId: null,
        ownerName: null,
        lostReason: null,
        closedAt: null,
        updatedAt: CREATED_AT,
      },
    ],
    sales: [],
    ...overrides,
  };
}

/** A page of a list; a `total` past `LIST_TOTAL_CAP` comes back capped, as the API counts. */
export function page<T>(items: T[], total = items.length, pageNumber = 1, pageSize = 20): Page<T> {
  return {
    items,
    total: Math.min(total, LIST_TOTAL_CAP),
    totalCapped: total > LIST_TOTAL_CAP,
    page: pageNumber,
    pageSize,
  };
}

/** A tenant without Meta. */
export const META_DISCONNECTED: ConnectionStatus = {
  state: 'disconnected',
  setupComplete: false,
  scopes: [],
  missingScopes: [],
  expiresAt: null,
  connectedAt: null,
  business: null,
  adAccount: null,
  phoneNumber: null,
  lastError: null,
};

/** A tenant connected to Meta with its assets picked (the sandbox's names). */
export const META_CONNECTED: ConnectionStatus = {
  ...META_DISCONNECTED,
  state: 'connected',
  setupComplete: true,
  business: { id: 'biz-1', name: 'Inmobiliaria Sol' },
  adAccount: { id: 'act_1', name: 'Sol · Leads México', currency: 'MXN', timezone: 'America/Mexico_City' },
  phoneNumber: { id: 'pn-1', wabaId: 'waba-1', displayPhoneNumber: '+52 55 0000 0000', verifiedName: 'Sol' },
};

export function funnelMetrics(overrides: Partial<FunnelMetrics> = {}): FunnelMetrics {
  return {
    spend: 5000,
    impressions: 100000,
    clicks: 2500,
    leads: 40,
    opportunities: 8,
    sales: 3,
    revenue: 118422.56,
    costPerLead: 125,
    roiPercent: 2268.45,
    ...overrides,
  };
}

/** Everything of a Marketing Hub report but its numbers: the last 30 days in MXN, connected. */
export const REPORT_META: Omit<StatsReport, 'totals'> = {
  range: { preset: 'last_30d', since: '2026-10-28', until: '2026-11-26', timezone: 'America/Mexico_City' },
  currency: 'MXN',
  salesCurrencies: ['MXN'],
  currencyMismatch: false,
  connection: 'connected',
  stale: false,
};

/** A row of the issue-8 report: `funnelMetrics` plus won/lost/refunds and every ratio (`null` when undefined). */
export function reportMetrics(overrides: Partial<ReportMetrics> = {}): ReportMetrics {
  return {
    ...funnelMetrics(),
    won: 4,
    lost: 2,
    refunds: 0,
    costPerOpportunity: 625,
    costPerSale: 1666.67,
    roas: 23.68,
    unconvertedSales: 0,
    ...overrides,
  };
}

/**
 * The Marketing Hub's report (period view, last 30 days in MXN): one campaign with one ad, a few unattributed leads,
 * a daily series of the range, the funnel, sales all in MXN, and a CRM history older than the range.
 */
export function marketingReport(overrides: Partial<MarketingReport> = {}): MarketingReport {
  const daily = Array.from({ length: 30 }, (_, index) => {
    const date = new Date(Date.UTC(2026, 9, 28 + index));
    return {
      day: date.toISOString().slice(0, 10),
      spend: 0,
      leads: 0,
      opportunities: 0,
      sales: 0,
      revenue: 0,
    };
  });
  daily[0] = { ...daily[0]!, spend: 2000, leads: 16, opportunities: 3, sales: 1, revenue: 50000 };
  daily[29] = { ...daily[29]!, spend: 3000, leads: 24, opportunities: 5, sales: 2, revenue: 68422.56 };
  return {
    ...REPORT_META,
    view: 'period',
    kpis: reportMetrics(),
    campaigns: [
      {
        ...reportMetrics(),
        campaignId: 'cmp-1',
        campaignName: 'Preventa Polanco',
        ads: [
          {
            ...reportMetrics({ spend: 2500 }),
            adId: 'ad-1',
            adName: 'Video recorrido',
            adsetId: 'set-1',
          },
        ],
      },
    ],
    unattributed: reportMetrics({
      spend: 0,
      leads: 2,
      opportunities: 0,
      sales: 0,
      won: 0,
      lost: 0,
      revenue: 0,
      costPerLead: null,
      costPerOpportunity: null,
      costPerSale: null,
      roas: null,
      roiPercent: null,
    }),
    daily,
    funnel: { leads: 40, opportunities: 8, won: 4, lost: 2, sales: 3, refunds: 0 },
    revenueByCurrency: [
      {
        currency: 'MXN',
        sales: 3,
        amount: 118422.56,
        refunds: 0,
        refundedAmount: 0,
        convertedSales: 0,
        convertedAmount: 0,
        unconvertedSales: 0,
        unconvertedAmount: 0,
        reason: null,
      },
    ],
    crmHistoryStartsOn: '2026-01-15',
    rangeExceedsHistory: false,
    ...overrides,
  };
}

/** A tenant's recipient protection as automation-service starts it: 1 marketing template per 24 h, standard hours. */
export const PROTECTION_SETTINGS: ProtectionSettingsView = {
  marketingPerContact: 1,
  capHours: 24,
  sendWindow: null,
  defaultSendWindow: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '20:00' },
};
