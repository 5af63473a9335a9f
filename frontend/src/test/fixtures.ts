import type { LeadDetail, LeadView, Page } from '@crm/contracts/browser';

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
