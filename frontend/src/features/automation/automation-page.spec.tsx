import type { AutomationLogView, AutomationMetrics, RuleView, TemplateView } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, stubFetch } from '../../test/fetch-stub';
import { page } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { AutomationLog } from './automation-log';
import { AutomationPage } from './automation-page';
import { RuleCard } from './rule-card';

const rule: RuleView = {
  key: 'lead_followup',
  enabled: true,
  delaySeconds: 5400,
  templateName: 'seguimiento_lead',
  templateLanguage: 'es',
  variableMapping: ['lead.first_name', 'seller.name'],
  updatedAt: '2026-11-26T16:23:00.000Z',
};

function template(overrides: Partial<TemplateView> = {}): TemplateView {
  return {
    id: 'tpl-1',
    name: 'seguimiento_lead',
    language: 'es',
    status: 'APPROVED',
    category: 'UTILITY',
    bodyText: 'Hola {{1}}, soy {{2}}. ¿Te ayudo con tu búsqueda?',
    parameterCount: 2,
    syncedAt: '2026-11-26T16:00:00.000Z',
    ...overrides,
  };
}

const templates = [
  template(),
  template({ id: 'tpl-2', name: 'promo_noviembre', status: 'PAUSED', category: 'MARKETING' }),
];

function logEntry(overrides: Partial<AutomationLogView> = {}): AutomationLogView {
  return {
    id: 'send-1',
    ruleKey: 'lead_followup',
    leadId: 'lead-1',
    leadName: 'Lucía Hernández',
    phone: '+5215512345678',
    templateName: 'seguimiento_lead',
    templateLanguage: 'es',
    status: 'read',
    wamid: 'wamid.HBgL',
    error: null,
    scheduledFor: '2026-11-26T16:23:00.000Z',
    sentAt: '2026-11-26T16:23:05.000Z',
    deliveredAt: '2026-11-26T16:23:06.000Z',
    readAt: '2026-11-26T16:25:00.000Z',
    repliedAt: null,
    history: [
      { status: 'scheduled', at: '2026-11-26T16:20:00.000Z', detail: 'triggered manually' },
      { status: 'sent', at: '2026-11-26T16:23:05.000Z', detail: 'WhatsApp: sent' },
      { status: 'read', at: '2026-11-26T16:25:00.000Z', detail: 'WhatsApp: read' },
    ],
    ...overrides,
  };
}

const metrics: AutomationMetrics = {
  scheduled: 3,
  sent: 1200,
  delivered: 1100,
  read: 900,
  replied: 120,
  failed: 4,
  skipped: 9,
  deliveryRate: 1100 / 1200,
  readRate: 0.75,
  replyRate: 0.1,
};

describe('AutomationPage', () => {
  it('shows a loading placeholder, then the rule', async () => {
    let answer: (response: Response) => void = () => undefined;
    stubFetch({
      'GET /crm/marketing/automation/rules': () => new Promise<Response>((resolve) => (answer = resolve)),
      'GET /crm/marketing/automation/templates': templates,
      'GET /crm/marketing/automation-logs': page([], 0),
      'GET /crm/marketing/automation/metrics': metrics,
    });
    renderWithApp(<AutomationPage />, { path: '/automation' });
    expect((await screen.findAllByRole('status'))[0]).toHaveTextContent('Cargando…');
    expect(screen.queryByText('Seguimiento de nuevos leads')).toBeNull();

    answer(json([rule]));
    expect(await screen.findByText('Seguimiento de nuevos leads')).toBeInTheDocument();
  });

  it('shows an error with a retry when the rules cannot be read', async () => {
    stubFetch({
      'GET /crm/marketing/automation/rules': () => apiError(403, 'FORBIDDEN'),
      'GET /crm/marketing/automation/templates': templates,
      'GET /crm/marketing/automation-logs': page([], 0),
      'GET /crm/marketing/automation/metrics': metrics,
    });
    renderWithApp(<AutomationPage />, { path: '/automation' });
    expect(await screen.findByText('Tu rol no tiene permiso para ver esta información.')).toBeInTheDocument();
  });
});

describe('RuleCard', () => {
  it('shows template status, category and language as words, and the last change as a human date', async () => {
    renderWithApp(<RuleCard rule={rule} templates={templates} />);
    expect(await screen.findByTestId('template-status')).toHaveTextContent('Aprobada');
    expect(screen.getByTestId('template-category')).toHaveTextContent('Categoría: Servicio');
    expect(screen.getByText('Última modificación: 26 nov 2026, 10:23')).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'seguimiento_lead · español' })).toBeInTheDocument();
    expect(
      screen.getByRole('option', { name: 'promo_noviembre · español — Pausada, no se puede usar' }),
    ).toBeDisabled();
    expect(document.body.textContent).not.toMatch(/APPROVED|PAUSED|UTILITY|MARKETING/);
    expect(screen.getByTestId('rule-delay-value')).toHaveValue(90);
    expect(screen.getByTestId('rule-delay-unit')).toHaveDisplayValue('minutos');
  });

  it('refuses to save a delay that is not a whole positive number', async () => {
    const api = stubFetch();
    const { user } = renderWithApp(<RuleCard rule={rule} templates={templates} />);
    const delay = await screen.findByTestId('rule-delay-value');
    await user.clear(delay);
    await user.type(delay, '0');
    await user.click(screen.getByTestId('rule-save'));
    expect(screen.getByTestId('rule-field-error-delay')).toHaveTextContent(
      'La espera debe ser un número entero mayor que cero.',
    );
    expect(api.requests).toEqual([]);
  });

  it('saves the rule and confirms it', async () => {
    const api = stubFetch({
      'PATCH /crm/marketing/automation/rules/lead_followup': (request) =>
        json({ ...rule, ...(request.body as object) }),
    });
    const { user } = renderWithApp(<RuleCard rule={rule} templates={templates} />);
    await user.click(await screen.findByTestId('rule-save'));
    expect(await screen.findByTestId('rule-saved')).toHaveTextContent('Cambios guardados.');
    expect(api.calls('PATCH /crm/marketing/automation/rules/lead_followup')[0]!.body).toEqual({
      enabled: true,
      delaySeconds: 5400,
      templateName: 'seguimiento_lead',
      templateLanguage: 'es',
      variableMapping: ['lead.first_name', 'seller.name'],
    });
  });
});

describe('AutomationLog', () => {
  it('says there are no sends yet', async () => {
    stubFetch({
      'GET /crm/marketing/automation-logs': page([], 0),
      'GET /crm/marketing/automation/metrics': metrics,
    });
    renderWithApp(<AutomationLog />);
    expect(await screen.findByText('Todavía no hay envíos')).toBeInTheDocument();
  });

  it('shows an error when the log cannot be read', async () => {
    stubFetch({
      'GET /crm/marketing/automation-logs': () => apiError(500, 'INTERNAL'),
      'GET /crm/marketing/automation/metrics': metrics,
    });
    renderWithApp(<AutomationLog />);
    expect(await screen.findByRole('alert')).toHaveTextContent('No pudimos cargar la información.');
  });

  it('shows each send with words and human dates, and its history as sentences', async () => {
    stubFetch({
      'GET /crm/marketing/automation-logs': page(
        [
          logEntry(),
          logEntry({
            id: 'send-2',
            leadId: 'lead-2',
            leadName: 'Pedro Páramo',
            status: 'failed',
            error: { code: 'WHATSAPP_FAILED', message: 'Número no registrado en WhatsApp' },
            sentAt: null,
            deliveredAt: null,
            readAt: null,
            history: [],
          }),
        ],
        2,
        1,
        25,
      ),
      'GET /crm/marketing/automation/metrics': metrics,
    });
    const { user } = renderWithApp(<AutomationLog />);

    const row = await screen.findByTestId('log-row-send-1');
    expect(within(row).getByText('Leído')).toBeInTheDocument();
    expect(within(row).getByText('26 nov 2026, 10:25')).toBeInTheDocument();
    expect(within(row).getByText('español')).toBeInTheDocument();
    const failed = screen.getByTestId('log-row-send-2');
    expect(within(failed).getByText('Fallido')).toBeInTheDocument();
    expect(within(failed).getAllByText('Número no registrado en WhatsApp').length).toBeGreaterThan(0);
    expect(failed.textContent).not.toContain('WHATSAPP_FAILED');
    expect(screen.getByTestId('automation-metric-sent')).toHaveTextContent('1,200');

    await user.click(within(row).getByRole('button', { name: 'Mostrar historial' }));
    const history = screen.getByTestId('log-history-send-1');
    expect(within(history).getByText('Enviado a mano desde el CRM')).toBeInTheDocument();
    expect(within(history).getAllByText('Confirmado por WhatsApp')).toHaveLength(2);
    expect(within(history).getByText('26 nov 2026, 10:20')).toBeInTheDocument();
    expect(history.textContent).not.toMatch(/triggered manually|WhatsApp: read|2026-11-26T/);
  });
});
