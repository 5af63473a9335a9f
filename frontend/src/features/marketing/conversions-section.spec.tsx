import {
  LIST_TOTAL_CAP,
  type ConversionDatasetOption,
  type ConversionLogEntry,
  type ConversionSettingsView,
  type Role,
} from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, type StubRoutes } from '../../test/fetch-stub';
import { CREATED_AT, META_CONNECTED, page } from '../../test/fixtures';
import { renderHubSection } from '../../test/render';
import { ConversionsSection } from './conversions-section';

const SETTINGS = '/crm/marketing/conversions/settings';
const GET_SETTINGS = `GET ${SETTINGS}`;
const PUT_SETTINGS = `PUT ${SETTINGS}`;
const DATASETS = 'GET /crm/marketing/conversions/datasets';
const LOG = 'GET /crm/marketing/conversions/log';

const DEFAULTS: ConversionSettingsView = {
  enabled: false,
  datasetId: null,
  qualifiedEvent: 'QualifiedLead',
  opportunityEvent: null,
  wonEvent: 'Purchase',
  updatedAt: null,
};
const DATASET_LIST: ConversionDatasetOption[] = [
  { id: '1200000000000501', name: 'Píxel Inmobiliaria Sol' },
  { id: '1200000000000502', name: 'Conjunto CRM' },
];

function entry(overrides: Partial<ConversionLogEntry> = {}): ConversionLogEntry {
  return {
    leadId: '11111111-1111-4111-8111-111111111111',
    leadName: 'Rosa Anuncio',
    eventName: 'Purchase',
    point: 'won',
    eventId: 'crm:t:11111111-1111-4111-8111-111111111111:Purchase',
    datasetId: '1200000000000501',
    keyedBy: 'ctwa_clid',
    value: 1_250_000,
    currency: 'MXN',
    eventTime: CREATED_AT,
    state: 'sent',
    attempts: 1,
    lastError: null,
    sentAt: CREATED_AT,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

const renderSection = (routes: StubRoutes, role: Role = 'ceo') =>
  renderHubSection(<ConversionsSection status={META_CONNECTED} />, routes, role);

describe('Marketing Hub: Conversions API section', () => {
  it('is not shown to a professional, and asks nothing', async () => {
    const { api } = renderSection({}, 'professional');
    expect(await screen.findByText('Marketing Hub')).toBeInTheDocument();
    expect(screen.queryByTestId('conversions-section')).toBeNull();
    expect(api.requests.filter((request) => request.path.includes('conversions'))).toEqual([]);
  });

  it('shows placeholders while the settings and the log load', async () => {
    renderSection({ [GET_SETTINGS]: () => pending(), [DATASETS]: () => pending(), [LOG]: () => pending() });
    const section = await screen.findByTestId('conversions-section');
    expect(within(section).getByRole('heading', { level: 2 })).toHaveTextContent(
      'Conversiones (API de Conversiones de Meta)',
    );
    expect(within(section).queryByTestId('conversions-form')).toBeNull();
    expect(within(screen.getByTestId('conversions-log')).getByRole('status')).toHaveTextContent('Cargando');
  });

  it('shows an error with a retry, then the form; an empty log says so', async () => {
    const { api, user } = renderSection({
      [GET_SETTINGS]: () => apiError(503, 'UNAVAILABLE', 'meta-ads down'),
      [DATASETS]: DATASET_LIST,
      [LOG]: page([], 0, 1, 10),
    });
    const section = await screen.findByTestId('conversions-section');
    expect(await within(section).findByTestId('error-state')).toBeInTheDocument();
    expect(await within(section).findByText('Aún no hay eventos.')).toBeInTheDocument();
    api.use({ [GET_SETTINGS]: DEFAULTS });
    await user.click(within(section).getByRole('button', { name: 'Reintentar' }));
    expect(await within(section).findByTestId('conversions-enabled')).not.toBeChecked();
    expect(screen.getByLabelText('Lead calificado')).toHaveValue('QualifiedLead');
    expect(screen.getByLabelText('Oportunidad creada')).toHaveValue('');
    expect(screen.getByLabelText('Venta (ganado)')).toHaveValue('Purchase');
  });

  it('lists the datasets by name and saves on/off, the dataset and the event of each point', async () => {
    const { api, user } = renderSection({
      [GET_SETTINGS]: DEFAULTS,
      [DATASETS]: DATASET_LIST,
      [LOG]: page([], 0, 1, 10),
      [PUT_SETTINGS]: (request) =>
        json({
          ...DEFAULTS,
          ...(request.body as object),
          updatedAt: CREATED_AT,
        } satisfies ConversionSettingsView),
    });
    const dataset = await screen.findByLabelText('Conjunto de datos (píxel)');
    expect(
      await within(dataset).findByRole('option', { name: 'Píxel Inmobiliaria Sol (1200000000000501)' }),
    ).toBeInTheDocument();

    // On without a dataset: said under the field, nothing sent.
    await user.click(screen.getByLabelText('Enviar eventos de conversión a Meta'));
    await user.click(screen.getByRole('button', { name: 'Guardar' }));
    expect(screen.getByTestId('conversions-dataset-missing')).toHaveTextContent(
      'Elige un conjunto de datos para activar el envío.',
    );
    expect(api.calls(PUT_SETTINGS)).toEqual([]);

    await user.selectOptions(dataset, '1200000000000502');
    expect(screen.queryByTestId('conversions-dataset-missing')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Oportunidad creada'), 'Lead');
    await user.selectOptions(screen.getByLabelText('Lead calificado'), '');
    await user.click(screen.getByRole('button', { name: 'Guardar' }));

    expect(await screen.findByText('Conversiones guardadas.')).toBeInTheDocument();
    expect(api.calls(PUT_SETTINGS).map((request) => request.body)).toEqual([
      {
        enabled: true,
        datasetId: '1200000000000502',
        qualifiedEvent: null,
        opportunityEvent: 'Lead',
        wonEvent: 'Purchase',
      },
    ]);
  });

  it('shows the API’s 4xx message when saving is refused', async () => {
    const { user } = renderSection({
      [GET_SETTINGS]: { ...DEFAULTS, enabled: true, datasetId: '1200000000000501' },
      [DATASETS]: DATASET_LIST,
      [LOG]: page([], 0, 1, 10),
      [PUT_SETTINGS]: () =>
        apiError(400, 'VALIDATION', 'opportunityEvent must be Lead, QualifiedLead or null'),
    });
    await screen.findByTestId('conversions-form');
    await user.click(screen.getByRole('button', { name: 'Guardar' }));
    expect(await screen.findByTestId('conversions-error')).toHaveTextContent(
      'No se pudo guardar: opportunityEvent must be Lead, QualifiedLead or null',
    );
    expect(screen.queryByText('Conversiones guardadas.')).toBeNull();
  });

  it('says when the datasets cannot be listed, and keeps the saved one by its id', async () => {
    renderSection({
      [GET_SETTINGS]: { ...DEFAULTS, enabled: true, datasetId: '1200000000000999' },
      [DATASETS]: () => apiError(409, 'META_NOT_CONNECTED', 'connect Meta first'),
      [LOG]: page([], 0, 1, 10),
    });
    expect(await screen.findByTestId('conversions-datasets-error')).toHaveTextContent(
      'No se pudieron cargar los conjuntos de datos: connect Meta first',
    );
    expect(screen.getByLabelText('Conjunto de datos (píxel)')).toHaveValue('1200000000000999');
  });

  it('shows the log: event, lead, status, Meta’s message and when, in the tenant’s format; pages', async () => {
    const parked = entry({
      leadId: '22222222-2222-4222-8222-222222222222',
      leadName: 'Marta Formulario',
      eventName: 'QualifiedLead',
      point: 'qualified',
      eventId: 'crm:t:22222222-2222-4222-8222-222222222222:QualifiedLead',
      keyedBy: 'lead_id',
      value: null,
      currency: null,
      state: 'parked',
      sentAt: null,
      lastError: { code: 'META_REJECTED', message: 'Invalid parameter (#100/33)', at: CREATED_AT },
    });
    const { api, user } = renderSection({
      [GET_SETTINGS]: DEFAULTS,
      [DATASETS]: DATASET_LIST,
      [LOG]: (request) =>
        json(
          request.query.get('page') === '2'
            ? page([entry({ eventId: 'older', leadName: null })], 12, 2, 10)
            : page([entry(), parked], 12, 1, 10),
        ),
    });
    const rows = await screen.findAllByTestId('conversions-log-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Purchase');
    expect(rows[0]).toHaveTextContent('$1,250,000.00');
    expect(rows[0]).toHaveTextContent('Rosa Anuncio');
    expect(within(rows[0]!).getByText('Enviado')).toBeInTheDocument();
    expect(within(rows[0]!).getByText(/^26 nov 2026, 10:23$/)).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('Marta Formulario');
    expect(within(rows[1]!).getByText('Rechazado')).toBeInTheDocument();
    expect(within(rows[1]!).getAllByText('Invalid parameter (#100/33)').length).toBeGreaterThan(0);

    expect(screen.getByTestId('conversions-log-page')).toHaveTextContent('Página 1 de 2');
    await user.click(screen.getByRole('button', { name: 'Siguiente' }));
    expect(await screen.findByText('Lead sin nombre')).toBeInTheDocument();
    expect(screen.getByTestId('conversions-log-page')).toHaveTextContent('Página 2 de 2');
    expect(api.calls(LOG).map((request) => request.query.get('page'))).toEqual(['1', '2']);
    expect(api.calls(LOG)[0]!.query.get('pageSize')).toBe('10');
  });

  it('says "more than" pages when the log’s count stops at its cap', async () => {
    renderSection({
      [GET_SETTINGS]: DEFAULTS,
      [DATASETS]: DATASET_LIST,
      [LOG]: page([entry()], LIST_TOTAL_CAP + 1, 1, 10),
    });
    expect(await screen.findByTestId('conversions-log-page')).toHaveTextContent('Página 1 de más de 1,000');
  });

  it('speaks English, with the tenant’s (es-MX) date format', async () => {
    await i18next.changeLanguage('en');
    renderSection({
      [GET_SETTINGS]: DEFAULTS,
      [DATASETS]: DATASET_LIST,
      [LOG]: page([entry({ state: 'pending', sentAt: null })], 1, 1, 10),
    });
    const section = await screen.findByTestId('conversions-section');
    expect(within(section).getByRole('heading', { level: 2 })).toHaveTextContent(
      'Conversions (Meta Conversions API)',
    );
    expect(await screen.findByLabelText('Send conversion events to Meta')).not.toBeChecked();
    expect(screen.getByLabelText('Lead qualified')).toHaveValue('QualifiedLead');
    const row = await screen.findByTestId('conversions-log-row');
    expect(within(row).getByText('Pending')).toBeInTheDocument();
    expect(within(row).getByText(/^26 nov 2026, 10:23$/)).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: "Meta's message" })).toBeInTheDocument();
  });
});
