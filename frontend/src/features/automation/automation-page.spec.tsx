import {
  LIST_TOTAL_CAP,
  type AutomationFunnel,
  type AutomationLogView,
  type AutomationMetricsV2,
  type AutomationRuleView,
  type LeadView,
  type TemplateDetailView,
  type TriggerPreview,
} from '@crm/contracts/browser';
import { act, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubFetch, type FetchStub, type StubRoutes } from '../../test/fetch-stub';
import { page } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { AutomationLog } from './automation-log';
import { AutomationPage } from './automation-page';
import { FunnelsPanel } from './funnels-panel';
import { LIVE_URL } from './live-sends';
import { LiveStreamProvider, READY_WAIT_MS } from './live-stream';

/** A stand-in for the browser's EventSource: the test pushes the server's events. */
class MockEventSource {
  static instances: MockEventSource[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = MockEventSource.CONNECTING;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {
    MockEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data: unknown) {
    this.readyState = MockEventSource.OPEN;
    for (const listener of this.listeners.get(type) ?? []) {
      listener(new MessageEvent(type, { data: JSON.stringify(data) }));
    }
  }
  close() {
    this.readyState = MockEventSource.CLOSED;
  }
}

beforeEach(() => {
  MockEventSource.instances = [];
  vi.stubGlobal('EventSource', MockEventSource);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/** The page's one live stream. */
const liveSource = () => MockEventSource.instances[0]!;

/** The server has subscribed and says so, as the gateway does; the page's first reads may start. */
const ready = () => act(() => liveSource().emit('ready', {}));

/** A panel of the page under its live stream, which is ready at once (its first read starts). */
function renderLive(element: ReactNode) {
  const rendered = renderWithApp(<LiveStreamProvider>{element}</LiveStreamProvider>);
  ready();
  return rendered;
}

function rule(overrides: Partial<AutomationRuleView> = {}): AutomationRuleView {
  return {
    key: 'lead_followup',
    builtIn: true,
    name: null,
    enabled: true,
    trigger: { type: 'lead.created' },
    delaySeconds: 5400,
    conditions: {},
    templateName: 'seguimiento_lead',
    templateLanguage: 'es',
    variableMapping: ['lead.first_name', 'seller.name'],
    mapping: { header: [], body: ['lead.first_name', 'seller.name'], buttons: [] },
    freeFormText: null,
    sendWindow: null,
    limits: { respectFrequencyCap: true, utilityToOptedOut: false, maxPerContact: null, perDays: null },
    pause: null,
    updatedAt: '2026-11-26T16:23:00.000Z',
    ...overrides,
  };
}

const rules = [
  rule(),
  rule({
    key: 'opportunity_reminder',
    enabled: false,
    trigger: { type: 'opportunity.deadline' },
    delaySeconds: 7200,
    templateName: 'recordatorio',
    pause: { reason: 'template_paused', message: 'Calidad baja', at: '2026-11-26T15:00:00.000Z' },
  }),
  rule({
    key: 'r_0123456789ab',
    builtIn: false,
    name: 'Felicitar al ganar',
    trigger: { type: 'lead.status_changed', toStatus: 'cerrado_ganado' },
    delaySeconds: 0,
  }),
];

function template(overrides: Partial<TemplateDetailView> = {}): TemplateDetailView {
  return {
    id: 'tpl-1',
    name: 'seguimiento_lead',
    language: 'es',
    status: 'APPROVED',
    category: 'UTILITY',
    bodyText: 'Hola {{1}}, soy {{2}}. ¿Te ayudo con tu búsqueda?',
    parameterCount: 2,
    syncedAt: '2026-11-26T16:00:00.000Z',
    qualityScore: 'GREEN',
    reason: null,
    rejectionInfo: null,
    headerFormat: 'TEXT',
    headerText: 'Hola {{1}}',
    headerParameterCount: 1,
    footerText: null,
    buttons: [{ type: 'URL', text: 'Ver ficha', url: 'https://x.test/{{1}}', parameterCount: 1 }],
    statusUpdatedAt: null,
    ...overrides,
  };
}

const templates = [
  template(),
  template({ id: 'tpl-2', name: 'promo_noviembre', status: 'PAUSED', category: 'MARKETING' }),
];

function funnel(key: string, overrides: Partial<AutomationFunnel> = {}): AutomationFunnel {
  return {
    key,
    queued: 10,
    sent: 8,
    delivered: { count: 6, rate: 0.75 },
    read: { count: 4, rate: 0.5 },
    replied: { count: 2, rate: 0.25 },
    failed: { count: 2, rate: 0.2 },
    failedByReason: [{ reason: 'undeliverable', count: 2 }],
    optedOut: { count: 0, rate: 0 },
    converted: { count: 1, rate: 0.125 },
    ...overrides,
  };
}

const metrics: AutomationMetricsV2 = {
  from: '2026-10-28T06:00:00.000Z',
  to: '2026-11-26T18:00:00.000Z',
  conversionDays: 7,
  total: funnel('total'),
  byRule: [
    funnel('lead_followup'),
    funnel('opportunity_reminder', {
      queued: 1,
      sent: 0,
      delivered: { count: 0, rate: null },
      read: { count: 0, rate: null },
      replied: { count: 0, rate: null },
      failed: { count: 1, rate: 1 },
      optedOut: { count: 0, rate: null },
      converted: { count: 0, rate: null },
    }),
  ],
  byTemplate: [funnel('seguimiento_lead')],
  daily: [
    { day: '2026-11-25', sent: 3, delivered: 2, read: 1, replied: 0, failed: 1 },
    { day: '2026-11-26', sent: 5, delivered: 4, read: 3, replied: 2, failed: 1 },
  ],
};

function logEntry(overrides: Partial<AutomationLogView> = {}): AutomationLogView {
  return {
    id: 'send-1',
    ruleKey: 'lead_followup',
    leadId: 'lead-1',
    leadName: 'Lucía Hernández',
    phone: '+5215512345678',
    templateName: 'seguimiento_lead',
    templateLanguage: 'es',
    status: 'sent',
    wamid: 'wamid.HBgL',
    error: null,
    scheduledFor: '2026-11-26T16:23:00.000Z',
    sentAt: '2026-11-26T16:23:05.000Z',
    deliveredAt: null,
    readAt: null,
    repliedAt: null,
    history: [
      { status: 'sent', at: '2026-11-26T16:23:05.000Z', detail: 'WhatsApp: sent' },
      { status: 'scheduled', at: '2026-11-26T16:20:00.000Z', detail: 'triggered manually' },
    ],
    ...overrides,
  };
}

/** What the live stream pushes when WhatsApp says send-1 was delivered. */
function deliveredEvent(eventId: string) {
  return {
    eventId,
    tenantId: 't',
    sendId: 'send-1',
    ruleKey: 'lead_followup',
    leadId: 'lead-1',
    status: 'delivered',
    at: '2026-11-26T16:23:07.000Z',
    detail: 'WhatsApp: delivered',
  };
}

const lead: LeadView = { id: 'lead-9', name: 'Marta Gómez', phone: '+5215511112222' } as LeadView;

function pageRoutes(extra: StubRoutes = {}): StubRoutes {
  return {
    'GET /crm/marketing/automation/rules': rules,
    'GET /crm/marketing/automation/templates/details': templates,
    'GET /crm/marketing/automation-logs': page([], 0),
    'GET /crm/marketing/automation/metrics/funnels': metrics,
    ...extra,
  };
}

describe('AutomationPage', () => {
  it('shows a loading placeholder, then every rule as a card with its trigger, timing and template in words', async () => {
    let answer: (response: Response) => void = () => undefined;
    stubFetch(
      pageRoutes({
        'GET /crm/marketing/automation/rules': () => new Promise<Response>((resolve) => (answer = resolve)),
      }),
    );
    renderWithApp(<AutomationPage />, { path: '/automation' });
    expect((await screen.findAllByRole('status'))[0]).toHaveTextContent('Cargando…');
    answer(json(rules));
    expect(await screen.findByTestId('rule-lead_followup')).toHaveTextContent('Seguimiento de nuevos leads');
    expect(screen.getByTestId('rule-lead_followup-summary')).toHaveTextContent(
      'Cuando entra un lead nuevo · 90 minutos después · seguimiento_lead · español',
    );
    expect(screen.getByTestId('rule-opportunity_reminder-summary')).toHaveTextContent(
      'Antes de la fecha límite de una oportunidad · 2 horas antes',
    );
    expect(screen.getByTestId('rule-r_0123456789ab-summary')).toHaveTextContent(
      'Cuando un lead pasa a «Cerrado ganado» · de inmediato',
    );
    expect(screen.getByTestId('rule-r_0123456789ab')).toHaveTextContent('Felicitar al ganar');
    expect(screen.getByTestId('rule-opportunity_reminder-paused')).toHaveTextContent(
      'Pausada por el sistema: Meta pausó la plantilla',
    );
    expect(document.body.textContent).not.toMatch(/lead\.created|opportunity\.deadline|template_paused/);
    expect(MockEventSource.instances.map((source) => source.url)).toEqual([LIVE_URL]);
  });

  it('shows an error with a retry when the rules cannot be read', async () => {
    stubFetch(pageRoutes({ 'GET /crm/marketing/automation/rules': () => apiError(403, 'FORBIDDEN') }));
    renderWithApp(<AutomationPage />, { path: '/automation' });
    expect(await screen.findByText('Tu rol no tiene permiso para ver esta información.')).toBeInTheDocument();
  });
});

describe('first reads of the log and the funnels', () => {
  const LOGS = 'GET /crm/marketing/automation-logs';
  const FUNNELS = 'GET /crm/marketing/automation/metrics/funnels';
  const reads = (api: FetchStub) => ({ logs: api.calls(LOGS).length, funnels: api.calls(FUNNELS).length });
  const openPage = () => {
    const api = stubFetch(pageRoutes({ [LOGS]: page([logEntry()], 1, 1, 25) }));
    renderWithApp(<AutomationPage />, { path: '/automation' });
    return api;
  };

  it('reads each once, after the stream is ready, and again when a reconnected stream is ready', async () => {
    const api = openPage();
    expect(reads(api)).toEqual({ logs: 0, funnels: 0 });
    ready();
    expect(await screen.findByTestId('log-row-send-1')).toBeInTheDocument();
    expect(await screen.findByTestId('funnels-rule')).toBeInTheDocument();
    expect(await screen.findByTestId('rule-lead_followup')).toBeInTheDocument();
    expect(reads(api)).toEqual({ logs: 1, funnels: 1 });

    // The connection drops and the browser reconnects: what was pushed meanwhile is read again.
    act(() => liveSource().onerror?.());
    expect(screen.getByTestId('live-state')).toHaveAttribute('data-state', 'connecting');
    ready();
    await waitFor(() => expect(reads(api)).toEqual({ logs: 2, funnels: 2 }));
  });

  // Found before READY_WAIT_MS (a `findBy` gives up after 1 s): nothing waits for a stream that is not coming.
  it('reads at once when the browser has no EventSource', async () => {
    vi.stubGlobal('EventSource', undefined);
    const api = openPage();
    expect(await screen.findByTestId('log-row-send-1')).toBeInTheDocument();
    expect(await screen.findByTestId('funnels-rule')).toBeInTheDocument();
    expect(reads(api)).toEqual({ logs: 1, funnels: 1 });
    expect(screen.getByTestId('live-state')).toHaveAttribute('data-state', 'closed');
  });

  it('reads at once when the stream is refused (closed)', async () => {
    const api = openPage();
    const source = liveSource();
    source.readyState = MockEventSource.CLOSED;
    act(() => source.onerror?.());
    expect(await screen.findByTestId('log-row-send-1')).toBeInTheDocument();
    expect(await screen.findByTestId('funnels-rule')).toBeInTheDocument();
    expect(reads(api)).toEqual({ logs: 1, funnels: 1 });
  });

  describe('a stream that does not get ready', () => {
    beforeEach(() => {
      vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

    it('is read without it after 2 s, and again when it gets ready later', async () => {
      const api = openPage();
      await advance(READY_WAIT_MS - 500);
      expect(reads(api)).toEqual({ logs: 0, funnels: 0 });
      await advance(500);
      await vi.waitFor(() => expect(screen.getByTestId('log-row-send-1')).toBeInTheDocument());
      expect(reads(api)).toEqual({ logs: 1, funnels: 1 });

      ready();
      await vi.waitFor(() => expect(reads(api)).toEqual({ logs: 2, funnels: 2 }));
    });
  });
});

describe('rule cards', () => {
  it('keeps unsaved changes when a card is collapsed and another opened, and saves them', async () => {
    const api = stubFetch(
      pageRoutes({
        'PATCH /crm/marketing/automation/rules/lead_followup': (request) =>
          json({ ...rules[0], ...(request.body as object) }),
      }),
    );
    const { user } = renderWithApp(<AutomationPage />, { path: '/automation' });
    await user.click(await screen.findByTestId('rule-lead_followup-expand'));
    expect(screen.getByTestId('rule-delay-value')).toHaveValue(90);
    expect(screen.getByTestId('rule-delay-unit')).toHaveDisplayValue('minutos');
    expect(screen.getByTestId('template-status')).toHaveTextContent('Aprobada');
    expect(screen.getByTestId('mapping-header-0')).toHaveDisplayValue('Nombre de pila del lead');
    expect(screen.getByTestId('mapping-button-0')).toBeInTheDocument();

    await user.clear(screen.getByTestId('rule-delay-value'));
    await user.type(screen.getByTestId('rule-delay-value'), '3');
    await user.selectOptions(screen.getByTestId('rule-mapping-1'), 'Nombre de pila del vendedor');
    await user.click(screen.getByTestId('rule-lead_followup-toggle'));
    expect(screen.getByTestId('rule-lead_followup-unsaved')).toHaveTextContent('Cambios sin guardar');

    // Open another card: the first collapses, its edits stay.
    await user.click(screen.getByTestId('rule-opportunity_reminder-expand'));
    expect(screen.getByTestId('rule-delay-value')).toHaveValue(2);
    expect(screen.getByTestId('rule-lead_followup')).toHaveAttribute('data-dirty', 'true');
    expect(screen.getByTestId('rule-lead_followup-toggle')).not.toBeChecked();

    await user.click(screen.getByTestId('rule-lead_followup-expand'));
    expect(screen.getByTestId('rule-delay-value')).toHaveValue(3);
    expect(screen.getByTestId('rule-mapping-1')).toHaveDisplayValue('Nombre de pila del vendedor');
    expect(api.calls('PATCH /crm/marketing/automation/rules/lead_followup')).toEqual([]);

    await user.click(screen.getByTestId('rule-save'));
    expect(await screen.findByTestId('rule-saved')).toHaveTextContent('Cambios guardados.');
    expect(api.calls('PATCH /crm/marketing/automation/rules/lead_followup')[0]!.body).toEqual({
      enabled: false,
      delaySeconds: (5400 / 90) * 3,
      templateName: 'seguimiento_lead',
      templateLanguage: 'es',
      mapping: {
        header: ['lead.first_name'],
        body: ['lead.first_name', 'seller.first_name'],
        buttons: [{ index: 0, source: 'lead.name' }],
      },
    });
    expect(screen.getByTestId('rule-lead_followup')).toHaveAttribute('data-dirty', 'false');
  });

  it('asks before leaving the page with unsaved changes', async () => {
    stubFetch(pageRoutes());
    const { user, router } = renderWithApp(<AutomationPage />, { path: '/automation' });
    await user.click(await screen.findByTestId('rule-lead_followup-toggle'));
    const unload = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(unload);
    expect(unload.defaultPrevented).toBe(true);

    await act(() => router.navigate('/'));
    expect(screen.getByTestId('rule-leave-dialog')).toHaveTextContent('Hay cambios sin guardar');
    await user.click(screen.getByTestId('rule-leave-stay'));
    expect(screen.getByTestId('rule-lead_followup-toggle')).not.toBeChecked();

    await act(() => router.navigate('/'));
    await user.click(screen.getByTestId('rule-leave-go'));
    expect(await screen.findByText('home')).toBeInTheDocument();
  });

  it('refuses a delay that is not a whole positive number without calling the API', async () => {
    const api = stubFetch(pageRoutes());
    const { user } = renderWithApp(<AutomationPage />, { path: '/automation' });
    await user.click(await screen.findByTestId('rule-lead_followup-expand'));
    await user.clear(screen.getByTestId('rule-delay-value'));
    await user.type(screen.getByTestId('rule-delay-value'), '0');
    await user.click(screen.getByTestId('rule-save'));
    expect(screen.getByTestId('rule-field-error-delay')).toHaveTextContent(
      'La espera debe ser un número entero mayor que cero.',
    );
    expect(api.calls('PATCH /crm/marketing/automation/rules/lead_followup')).toEqual([]);
  });

  it('deletes a custom rule only after confirming', async () => {
    const api = stubFetch(
      pageRoutes({
        'DELETE /crm/marketing/automation/rules/r_0123456789ab': () => new Response(null, { status: 204 }),
      }),
    );
    const { user } = renderWithApp(<AutomationPage />, { path: '/automation' });
    await user.click(await screen.findByTestId('rule-r_0123456789ab-expand'));
    await user.click(screen.getByTestId('rule-r_0123456789ab-delete'));
    expect(screen.getByTestId('rule-delete-dialog')).toHaveTextContent('«Felicitar al ganar»');
    expect(api.calls('DELETE /crm/marketing/automation/rules/r_0123456789ab')).toEqual([]);
    await user.click(screen.getByTestId('rule-delete-confirm'));
    await waitFor(() => expect(screen.queryByText('Felicitar al ganar')).toBeNull());
    expect(api.calls('DELETE /crm/marketing/automation/rules/r_0123456789ab')).toHaveLength(1);
  });
});

describe('rule editor', () => {
  it('shows every problem next to its field and sends nothing until they are fixed', async () => {
    const api = stubFetch(
      pageRoutes({
        'POST /crm/marketing/automation/rules': (request) =>
          json(rule({ ...(request.body as object), key: 'r_aaaaaaaaaaaa', builtIn: false }), 201),
      }),
    );
    const { user } = renderWithApp(<AutomationPage />, { path: '/automation' });
    await user.click(await screen.findByTestId('rule-new'));
    const editor = screen.getByTestId('rule-editor');
    await user.selectOptions(within(editor).getByTestId('editor-trigger'), 'Cuando un lead cambia de estado');
    await user.click(within(editor).getByTestId('editor-window'));
    expect(within(editor).getByTestId('editor-window-hint')).toHaveTextContent('cruza la medianoche');
    await user.clear(within(editor).getByTestId('editor-window-end'));
    await user.type(within(editor).getByTestId('editor-max-per-contact'), '2');
    await user.click(within(editor).getByTestId('editor-save'));

    expect(within(editor).getByTestId('editor-error-name')).toHaveTextContent('Ponle un nombre a la regla.');
    expect(within(editor).getByTestId('editor-error-toStatus')).toHaveTextContent(
      'Elige a qué estado debe pasar el lead.',
    );
    expect(within(editor).getByTestId('editor-error-template')).toHaveTextContent('Elige una plantilla.');
    expect(within(editor).getByTestId('editor-error-window')).toHaveTextContent(
      'Escribe la hora de inicio y la de fin.',
    );
    expect(within(editor).getByTestId('editor-error-limits')).toHaveTextContent(
      'Indica los envíos y los días, o deja ambos vacíos.',
    );
    expect(api.calls('POST /crm/marketing/automation/rules')).toEqual([]);

    await user.type(within(editor).getByTestId('editor-name'), 'Bienvenida VIP');
    await user.selectOptions(within(editor).getByTestId('editor-to-status'), 'Calificado');
    await user.selectOptions(within(editor).getByTestId('editor-template'), 'seguimiento_lead · español');
    // An end before the start is an overnight window, as in Settings and the API.
    await user.type(within(editor).getByTestId('editor-window-end'), '08:00');
    expect(within(editor).getByTestId('editor-window-hint')).toHaveTextContent(
      'Cruza la medianoche: de 09:00 a 08:00 del día siguiente.',
    );
    await user.type(within(editor).getByTestId('editor-per-days'), '30');
    await user.click(within(editor).getByTestId('editor-source-META_ADS'));
    await user.click(within(editor).getByTestId('editor-save'));

    await waitFor(() => expect(screen.queryByTestId('rule-editor')).toBeNull());
    const body = api.calls('POST /crm/marketing/automation/rules')[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'Bienvenida VIP',
      enabled: false,
      trigger: { type: 'lead.status_changed', toStatus: 'calificado' },
      delaySeconds: 3600,
      conditions: { leadSources: ['META_ADS'], leadStatuses: [], tags: [] },
      templateName: 'seguimiento_lead',
      templateLanguage: 'es',
      sendWindow: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '08:00' },
      limits: { respectFrequencyCap: true, utilityToOptedOut: false, maxPerContact: 2, perDays: 30 },
      freeFormText: null,
    });
    expect(await screen.findByTestId('rule-r_aaaaaaaaaaaa')).toBeInTheDocument();
  });
});

describe('manual trigger', () => {
  const preview = (overrides: Partial<TriggerPreview>): TriggerPreview => ({
    wouldSend: true,
    reason: null,
    reasonText: null,
    kind: 'template',
    to: '+5215511112222',
    templateName: 'seguimiento_lead',
    templateLanguage: 'es',
    renderedText: 'Hola Marta, soy Ana. ¿Te ayudo con tu búsqueda?',
    headerParameters: [],
    bodyParameters: ['Marta', 'Ana'],
    sendAt: '2026-11-26T17:00:00.000Z',
    ...overrides,
  });

  it('finds the lead by name, dry-runs and says why nothing would be sent, in words', async () => {
    let answer = preview({
      wouldSend: false,
      reason: 'opted_out',
      reasonText: 'opted out',
      renderedText: null,
    });
    const api = stubFetch(
      pageRoutes({
        'GET /crm/leads': () =>
          json({ items: [lead], pageSize: 8, page: 1, total: 1, totalCapped: false, nextCursor: null }),
        'POST /crm/marketing/automation/rules/lead_followup/preview': () => json(answer),
        'POST /crm/marketing/automation/trigger': () => json(logEntry({ id: 'send-9', status: 'scheduled' })),
      }),
    );
    const { user } = renderWithApp(<AutomationPage />, { path: '/automation' });
    const panel = await screen.findByTestId('manual-trigger');
    await user.type(within(panel).getByTestId('manual-lead-search'), 'Mar');
    await user.click(await within(panel).findByRole('button', { name: /Marta Gómez/ }));
    expect(within(panel).getByTestId('manual-lead-picked')).toHaveTextContent('Marta Gómez');
    expect(within(panel).getByTestId('manual-send')).toBeDisabled();

    await user.click(within(panel).getByTestId('manual-dry-run'));
    expect(await within(panel).findByTestId('manual-preview-reason')).toHaveTextContent(
      'El contacto pidió no recibir mensajes.',
    );
    expect(panel.textContent).not.toContain('opted');
    expect(api.calls('POST /crm/marketing/automation/rules/lead_followup/preview')[0]!.body).toEqual({
      leadId: 'lead-9',
    });
    expect(within(panel).getByTestId('manual-send')).toBeDisabled();
    expect(api.calls('POST /crm/marketing/automation/trigger')).toEqual([]);

    answer = preview({});
    await user.click(within(panel).getByTestId('manual-dry-run'));
    expect(await within(panel).findByTestId('manual-preview-message')).toHaveTextContent(
      'Hola Marta, soy Ana. ¿Te ayudo con tu búsqueda?',
    );
    expect(within(panel).getByText('Saldría el 26 nov 2026, 11:00')).toBeInTheDocument();
    await user.click(within(panel).getByTestId('manual-send'));
    expect(await within(panel).findByTestId('manual-sent')).toHaveTextContent('Enviado a Marta Gómez.');
    expect(api.calls('POST /crm/marketing/automation/trigger')[0]!.body).toEqual({
      ruleKey: 'lead_followup',
      leadId: 'lead-9',
    });
  });
});

describe('live log', () => {
  it('applies a pushed transition in place, keeps the history in time order, and re-reads on a new send', async () => {
    const api = stubFetch({ 'GET /crm/marketing/automation-logs': page([logEntry()], 1, 1, 25) });
    const { user } = renderLive(<AutomationLog />);
    const row = await screen.findByTestId('log-row-send-1');
    expect(within(row).getByText('Enviado')).toBeInTheDocument();
    expect(screen.getByTestId('live-state')).toHaveTextContent('En vivo');
    expect(api.calls('GET /crm/marketing/automation-logs').length).toBe(1);
    const source = liveSource();

    const delivered = deliveredEvent('77');
    act(() => source.emit('send', delivered));
    act(() => source.emit('send', delivered));
    await waitFor(() =>
      expect(screen.getByTestId('log-row-send-1')).toHaveAttribute('data-status', 'delivered'),
    );
    expect(within(screen.getByTestId('log-row-send-1')).getByText('Entregado')).toBeInTheDocument();
    await user.click(
      within(screen.getByTestId('log-row-send-1')).getByRole('button', { name: 'Mostrar historial' }),
    );
    const history = screen.getByTestId('log-history-send-1');
    expect(
      within(history)
        .getAllByTestId('send-status')
        .map((badge) => badge.textContent),
    ).toEqual(['Programado', 'Enviado', 'Entregado']);
    expect(api.calls('GET /crm/marketing/automation-logs').length).toBe(1);

    act(() => source.emit('send', { ...delivered, eventId: '78', sendId: 'send-2', status: 'scheduled' }));
    await waitFor(() => expect(api.calls('GET /crm/marketing/automation-logs').length).toBe(2));
  });

  it('keeps the total to the sends that match the filter as live rows arrive', async () => {
    const api = stubFetch({
      'GET /crm/marketing/automation-logs': (request) =>
        json(
          request.query.get('status') === 'sent'
            ? page([logEntry(), logEntry({ id: 'send-2', leadName: 'Ana Ruiz' })], 2, 1, 25)
            : page([logEntry()], 1, 1, 25),
        ),
    });
    const { user } = renderLive(<AutomationLog />);
    await screen.findByTestId('log-row-send-1');
    const source = liveSource();
    await user.selectOptions(screen.getByTestId('logs-filter-status'), 'Enviado');
    await waitFor(() =>
      expect(screen.getByTestId('automation-log-table')).toHaveAttribute('data-total', '2'),
    );
    const reads = api.calls('GET /crm/marketing/automation-logs').length;

    // send-1 delivered: it leaves the "sent" filter, the total with it; no new send, no re-read.
    act(() => source.emit('send', deliveredEvent('90')));
    await waitFor(() => expect(screen.queryByTestId('log-row-send-1')).not.toBeInTheDocument());
    expect(screen.getByTestId('automation-log-table')).toHaveAttribute('data-total', '1');
    // A new send (scheduled) the filter hides: nothing changes, nothing is read.
    act(() =>
      source.emit('send', {
        ...deliveredEvent('91'),
        sendId: 'send-3',
        status: 'scheduled',
        detail: 'lead.created; due 2026-11-26T18:00:00.000Z',
      }),
    );
    expect(screen.getByTestId('automation-log-table')).toHaveAttribute('data-total', '1');
    expect(api.calls('GET /crm/marketing/automation-logs').length).toBe(reads);
  });

  it('says when the send last moved (beside the status on a phone card, in its own column on a table): read, else sent, else when it is due', async () => {
    stubFetch({
      'GET /crm/marketing/automation-logs': page(
        [
          logEntry({
            status: 'read',
            deliveredAt: '2026-11-26T17:02:00.000Z',
            readAt: '2026-11-26T17:40:00.000Z',
          }),
          logEntry({ id: 'send-2', status: 'sent' }),
          logEntry({
            id: 'send-3',
            status: 'scheduled',
            scheduledFor: '2026-11-27T15:00:00.000Z',
            sentAt: null,
          }),
        ],
        3,
        1,
        25,
      ),
    });
    renderLive(<AutomationLog />);
    const statusCell = async (id: string) =>
      within(await screen.findByTestId(`log-row-${id}`))
        .getByTestId('send-status')
        .closest('td')!;
    expect(await statusCell('send-1')).toHaveTextContent('Leído26 nov 2026, 11:40');
    expect(await statusCell('send-2')).toHaveTextContent('Enviado26 nov 2026, 10:23');
    expect(await statusCell('send-3')).toHaveTextContent('Programado27 nov 2026, 09:00');
    // The table's "Última actualización" column says the same; sent, delivered and read times stay in the history.
    expect(screen.getByRole('columnheader', { name: 'Última actualización' })).toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Entregado' })).not.toBeInTheDocument();
    expect(screen.getByTestId('log-updated-send-1')).toHaveTextContent('26 nov 2026, 11:40');
    expect(screen.getByTestId('log-updated-send-2')).toHaveTextContent('26 nov 2026, 10:23');
    expect(screen.getByTestId('log-updated-send-3')).toHaveTextContent('27 nov 2026, 09:00');
  });

  it('says why a send failed in words, keeping WhatsApp’s own text as the tooltip', async () => {
    stubFetch({
      'GET /crm/marketing/automation-logs': page(
        [
          logEntry({
            status: 'failed',
            error: { code: '131026', message: 'Message undeliverable', reason: 'undeliverable' },
          }),
          logEntry({ id: 'send-2', status: 'failed', error: { code: 'X', message: 'something new' } }),
        ],
        2,
        1,
        25,
      ),
    });
    renderLive(<AutomationLog />);
    const reason = await screen.findByTestId('log-error-send-1');
    expect(reason).toHaveTextContent('El número no puede recibir el mensaje.');
    expect(reason).toHaveAttribute('title', 'Message undeliverable');
    expect(screen.getByTestId('log-error-send-2')).toHaveTextContent('something new');
  });

  it('says "more than 10,000" when the log’s count stops at its cap', async () => {
    stubFetch({ 'GET /crm/marketing/automation-logs': page([logEntry()], LIST_TOTAL_CAP + 1, 1, 25) });
    renderLive(<AutomationLog />);
    expect(await screen.findByText('Mostrando 1–25 de más de 10,000')).toBeInTheDocument();
    expect(screen.getByText('Página 1 de más de 400')).toBeInTheDocument();
  });

  it('says there are no sends yet', async () => {
    stubFetch({ 'GET /crm/marketing/automation-logs': page([], 0) });
    renderLive(<AutomationLog />);
    expect(await screen.findByText('Todavía no hay envíos')).toBeInTheDocument();
  });

  it('shows an error when the log cannot be read', async () => {
    stubFetch({ 'GET /crm/marketing/automation-logs': () => apiError(500, 'INTERNAL') });
    renderLive(<AutomationLog />);
    expect(await screen.findByRole('alert')).toHaveTextContent('No pudimos cargar la información.');
  });

  it('filters by rule through the API', async () => {
    const api = stubFetch({ 'GET /crm/marketing/automation-logs': page([logEntry()], 1, 1, 25) });
    const { user } = renderLive(
      <AutomationLog rules={[{ key: 'post_sale_feedback', label: 'Opinión después de la venta' }]} />,
    );
    await screen.findByTestId('log-row-send-1');
    await user.selectOptions(screen.getByTestId('logs-filter-rule'), 'Opinión después de la venta');
    await waitFor(() =>
      expect(api.calls('GET /crm/marketing/automation-logs').at(-1)!.query.get('ruleKey')).toBe(
        'post_sale_feedback',
      ),
    );
  });
});

describe('live log filters', () => {
  it('asks the API for the day, and says no send matches when the day has none', async () => {
    const api = stubFetch({
      'GET /crm/marketing/automation-logs': (request) =>
        json(request.query.get('day') ? page([], 0, 1, 25) : page([logEntry()], 1, 1, 25)),
    });
    const { user } = renderLive(<AutomationLog />);
    await screen.findByTestId('log-row-send-1');
    expect(api.calls('GET /crm/marketing/automation-logs')[0]!.query.has('day')).toBe(false);

    await user.type(screen.getByTestId('logs-filter-day'), '2026-11-25');
    await waitFor(() =>
      expect(api.calls('GET /crm/marketing/automation-logs').at(-1)!.query.get('day')).toBe('2026-11-25'),
    );
    expect(await screen.findByText('No hay envíos con estos filtros')).toBeInTheDocument();
    expect(screen.queryByText('Todavía no hay envíos')).toBeNull();
    expect(screen.queryByTestId('log-row-send-1')).toBeNull();

    await user.clear(screen.getByTestId('logs-filter-day'));
    expect(await screen.findByTestId('log-row-send-1')).toBeInTheDocument();
    expect(api.calls('GET /crm/marketing/automation-logs').at(-1)!.query.has('day')).toBe(false);
  });

  it('hides a row a live transition moved out of the status filter', async () => {
    stubFetch({
      'GET /crm/marketing/automation-logs': (request) =>
        json(
          request.query.get('status') === 'sent'
            ? page([logEntry(), logEntry({ id: 'send-2', leadName: 'Marta Gómez' })], 2, 1, 25)
            : page([], 0, 1, 25),
        ),
    });
    const { user } = renderLive(<AutomationLog />);
    await screen.findByText('Todavía no hay envíos');
    await user.selectOptions(screen.getByTestId('logs-filter-status'), 'Enviado');
    expect(await screen.findByTestId('log-row-send-1')).toBeInTheDocument();
    expect(screen.getByTestId('log-row-send-2')).toBeInTheDocument();

    act(() => liveSource().emit('send', deliveredEvent('90')));
    await waitFor(() => expect(screen.queryByTestId('log-row-send-1')).toBeNull());
    expect(screen.getByTestId('log-row-send-2')).toHaveAttribute('data-status', 'sent');
  });
});

describe('funnels', () => {
  it('shows rates over their bases and "—" where there is no base, per rule and per template', async () => {
    const api = stubFetch({ 'GET /crm/marketing/automation/metrics/funnels': metrics });
    const { user } = renderLive(<FunnelsPanel rules={rules} />);
    const byRule = await screen.findByTestId('funnels-rule');
    const followup = within(byRule).getByTestId('funnels-rule-lead_followup');
    expect(followup).toHaveTextContent('Seguimiento de nuevos leads');
    const cell = (key: string, column: string) => within(byRule).getByTestId(`funnels-rule-${key}-${column}`);
    expect(cell('lead_followup', 'delivered')).toHaveAttribute('data-rate', '0.75');
    expect(cell('lead_followup', 'delivered').textContent).toMatch(/^6\s*75\s*%$/);
    expect(cell('lead_followup', 'converted').textContent).toMatch(/^1\s*12[.,]5\s*%$/);
    expect(followup).toHaveTextContent('El número no puede recibir el mensaje: 2');
    expect(cell('opportunity_reminder', 'read')).toHaveAttribute('data-rate', '');
    expect(cell('opportunity_reminder', 'read').textContent).toMatch(/^0\s*—$/);
    expect(cell('opportunity_reminder', 'converted').textContent).toMatch(/^0\s*—$/);
    expect(cell('opportunity_reminder', 'failed').textContent).toMatch(/^1\s*100\s*%$/);
    expect(screen.getByTestId('funnels-template-seguimiento_lead')).toBeInTheDocument();
    expect(screen.getByTestId('funnel-total-read').textContent).toMatch(/50\s*%/);
    expect(screen.getByTestId('funnels-chart')).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId('funnels-conversion-days'), 'En 14 días');
    await waitFor(() =>
      expect(
        api.calls('GET /crm/marketing/automation/metrics/funnels').at(-1)!.query.get('conversionDays'),
      ).toBe('14'),
    );
  });

  it("abbreviates the long column names to fit a laptop, the full name being the header's name and its tooltip", async () => {
    stubFetch({ 'GET /crm/marketing/automation/metrics/funnels': metrics });
    renderLive(<FunnelsPanel rules={rules} />);
    const byTemplate = await screen.findByTestId('funnels-template');
    const header = (name: string) => within(byTemplate).getByRole('columnheader', { name });
    for (const [full, short] of [
      ['Entregados', 'Entreg.'],
      ['Respondidos', 'Resp.'],
      ['Conversiones', 'Conv.'],
    ]) {
      expect(header(full)).toHaveTextContent(new RegExp(`^${short.replace('.', '\\.')}$`));
      expect(within(header(full)).getByTitle(full)).toHaveTextContent(short);
    }
    // A name already short is written out, without a tooltip.
    expect(header('Enviados')).toHaveTextContent(/^Enviados$/);
    expect(within(header('Enviados')).queryByTitle('Enviados')).toBeNull();
  });
});
