import type { LeadFormView, LeadgenBackfillView } from '@crm/contracts/browser';
import { CREATED_AT } from './fixtures';

export const PAGE_ID = '102938475610293';
export const OTHER_PAGE_ID = '102938475610999';
export const FORM_ID = '5550001';

/** The sandbox's Querétaro form: standard questions and one custom question (to the notes by default). */
export function leadForm(overrides: Partial<LeadFormView> = {}): LeadFormView {
  return {
    id: FORM_ID,
    pageId: PAGE_ID,
    pageName: 'Inmobiliaria Sol',
    name: 'Cotización casas Querétaro',
    status: 'ACTIVE',
    locale: 'es_LA',
    questions: [
      {
        key: 'full_name',
        label: 'Nombre completo',
        type: 'FULL_NAME',
        field: 'full_name',
        defaultField: 'full_name',
      },
      {
        key: 'phone_number',
        label: 'Número de teléfono',
        type: 'PHONE',
        field: 'phone',
        defaultField: 'phone',
      },
      { key: 'email', label: 'Correo electrónico', type: 'EMAIL', field: 'email', defaultField: 'email' },
      {
        key: 'presupuesto_de_compra',
        label: '¿Cuál es tu presupuesto?',
        type: 'CUSTOM',
        field: 'notes',
        defaultField: 'notes',
      },
    ],
    customMapping: false,
    syncedAt: CREATED_AT,
    ...overrides,
  };
}

export function backfill(overrides: Partial<LeadgenBackfillView> = {}): LeadgenBackfillView {
  return {
    id: 'b0000000-0000-4000-8000-000000000001',
    formId: FORM_ID,
    formName: 'Cotización casas Querétaro',
    pageId: PAGE_ID,
    pageName: 'Inmobiliaria Sol',
    since: '2026-11-01T06:00:00.000Z',
    until: '2026-11-04T06:00:00.000Z',
    reason: 'manual',
    state: 'queued',
    leadsFound: 0,
    leadsPublished: 0,
    pagesRead: 0,
    lastError: null,
    createdAt: CREATED_AT,
    finishedAt: null,
    ...overrides,
  };
}
