import type {
  ConnectionStatus,
  FunnelMetrics,
  LeadDetail,
  LeadView,
  Page,
  ProtectionSettingsView,
  StatsReport,
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

export function page<T>(items: T[], total = items.length, pageNumber = 1, pageSize = 20): Page<T> {
  return { items, total, page: pageNumber, pageSize };
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

/** A tenant's recipient protection as automation-service starts it: 1 marketing template per 24 h, standard hours. */
export const PROTECTION_SETTINGS: ProtectionSettingsView = {
  marketingPerContact: 1,
  capHours: 24,
  sendWindow: null,
  defaultSendWindow: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '20:00' },
};
