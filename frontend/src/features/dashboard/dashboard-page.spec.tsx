import type { CrmDashboard } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { apiError, pending, stubFetch } from '../../test/fetch-stub';
import { renderWithApp, sessionUser } from '../../test/render';
import { DashboardPage } from './dashboard-page';

function month(from: string, to: string, totals: CrmDashboard['revenue']['thisMonth']['totals'], sales = 1) {
  return { from, to, sales: totals.length ? sales : 0, totals };
}

function dashboard(overrides: Partial<CrmDashboard> = {}): CrmDashboard {
  return {
    scope: 'tenant',
    timezone: 'America/Mexico_City',
    pipeline: [
      { status: 'pending', count: 12, totals: [{ currency: 'MXN', value: 1_500_000 }] },
      { status: 'won', count: 3, totals: [{ currency: 'MXN', value: 420_000.5 }] },
      { status: 'lost', count: 0, totals: [] },
    ],
    revenue: {
      thisMonth: month('2026-11-01T06:00:00.000Z', '2026-12-01T06:00:00.000Z', [
        { currency: 'MXN', value: 125_000 },
        { currency: 'USD', value: 900 },
      ]),
      lastMonth: month('2026-10-01T06:00:00.000Z', '2026-11-01T06:00:00.000Z', [
        { currency: 'MXN', value: 100_000 },
      ]),
    },
    leads: {
      since: '2026-10-27T12:00:00.000Z',
      total: 1234,
      bySource: [
        { source: 'META_ADS', count: 1000 },
        { source: 'WHATSAPP', count: 234 },
      ],
      bySeller: [
        { userId: '00000000-0000-4000-8000-000000000001', name: 'Luis Pérez', count: 900 },
        { userId: null, name: null, count: 334 },
      ],
    },
    ...overrides,
  };
}

const EMPTY: CrmDashboard = dashboard({
  pipeline: [
    { status: 'pending', count: 0, totals: [] },
    { status: 'won', count: 0, totals: [] },
    { status: 'lost', count: 0, totals: [] },
  ],
  revenue: {
    thisMonth: month('2026-11-01T06:00:00.000Z', '2026-12-01T06:00:00.000Z', []),
    lastMonth: month('2026-10-01T06:00:00.000Z', '2026-11-01T06:00:00.000Z', []),
  },
  leads: { since: '2026-10-27T12:00:00.000Z', total: 0, bySource: [], bySeller: [] },
});

function renderDashboard() {
  return renderWithApp(<DashboardPage />, { path: '/', authenticated: true });
}

describe('DashboardPage', () => {
  it('shows won revenue with the change vs last month, leads by source and seller, and the pipeline', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': pending,
      'GET /crm/dashboard': dashboard(),
    });
    renderDashboard();

    expect(await screen.findByText('Hola, Ana Torres. Este es el estado de tu embudo.')).toBeInTheDocument();
    const revenue = await screen.findByTestId('dashboard-revenue');
    expect(within(revenue).getByText('$125,000.00')).toBeInTheDocument();
    expect(within(revenue).getByTestId('dashboard-revenue-change')).toHaveTextContent('+25%');
    expect(within(revenue).getByText(/vs\. \$100,000\.00 el mes pasado/)).toBeInTheDocument();
    // USD: nothing last month, so no percentage.
    expect(within(revenue).getByText('USD 900.00')).toBeInTheDocument();
    expect(within(revenue).getByText('Nuevo')).toBeInTheDocument();

    expect(screen.getByTestId('dashboard-leads-total')).toHaveTextContent('1,234');
    expect(screen.getByTestId('dashboard-open-pipeline')).toHaveTextContent('$1,500,000.00');
    const sources = screen.getByTestId('dashboard-sources-list');
    expect(within(sources).getByText('Meta Ads').parentElement).toHaveTextContent('1,000');
    expect(within(sources).getByText('WhatsApp').parentElement).toHaveTextContent('234');
    expect(screen.getByTestId('dashboard-status-won')).toHaveTextContent('Ganada · 3');
    expect(screen.getByTestId('dashboard-status-won')).toHaveTextContent('$420,000.50');
    expect(screen.getByTestId('dashboard-status-lost')).toHaveTextContent('Perdida · 0');
    const sellers = screen.getByRole('region', { name: /Leads por vendedor/ });
    expect(within(sellers).getByText('Luis Pérez')).toBeInTheDocument();
    expect(within(sellers).getByText('Sin asignar')).toBeInTheDocument();
    // The quick link and the MarketingPerformanceCard's link.
    const hubLinks = screen.getAllByRole('link', { name: /Marketing Hub/ });
    expect(hubLinks).toHaveLength(2);
    for (const link of hubLinks) expect(link).toHaveAttribute('href', '/marketing');
  });

  it('shows a drop in red and tells a setter the numbers are their own, without the Marketing Hub link', async () => {
    const data = dashboard({ scope: 'own' });
    data.revenue.thisMonth.totals = [{ currency: 'MXN', value: 75_000 }];
    stubFetch({ 'GET /crm/auth/me': sessionUser('setter'), 'GET /crm/dashboard': data });
    renderDashboard();
    expect(await screen.findByTestId('dashboard-revenue-change')).toHaveTextContent('-25%');
    expect(screen.getByText('Mostramos solo tus leads, oportunidades y ventas.')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Marketing Hub/ })).toBeNull();
    expect(screen.queryByRole('link', { name: /Automatización HSM/ })).toBeNull();
  });

  it('shows placeholders while the numbers load', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': pending,
      'GET /crm/dashboard': pending,
    });
    renderDashboard();
    const loading = await screen.findByTestId('dashboard-loading');
    expect(loading).toHaveAttribute('role', 'status');
    expect(screen.queryByTestId('dashboard-revenue')).toBeNull();
  });

  it('shows an empty state when there is nothing to count yet', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': pending,
      'GET /crm/dashboard': EMPTY,
    });
    renderDashboard();
    expect(await screen.findByText('Aún no hay números que mostrar')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ir a leads' })).toHaveAttribute('href', '/leads');
    expect(screen.queryByTestId('dashboard-revenue')).toBeNull();
  });

  it('shows an error with a retry, then recovers', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': pending,
      'GET /crm/dashboard': () => apiError(500, 'INTERNAL'),
    });
    const { user } = renderDashboard();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No pudimos cargar la información.');

    api.use({ 'GET /crm/dashboard': dashboard() });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByTestId('dashboard-leads-total')).toHaveTextContent('1,234');
  });

  it("shows the numbers in the tenant's US formats to an English-speaking user", async () => {
    await i18next.changeLanguage('en');
    stubFetch({
      'GET /crm/auth/me': { ...sessionUser('ceo'), tenantLocale: 'en-US' },
      'GET /crm/marketing/token-status': pending,
      'GET /crm/dashboard': dashboard(),
    });
    renderDashboard();
    const revenue = await screen.findByTestId('dashboard-revenue');
    expect(within(revenue).getByText('MX$125,000.00')).toBeInTheDocument();
  });

  it("keeps a Mexican tenant's formats when a user picks English words", async () => {
    await i18next.changeLanguage('en');
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': pending,
      'GET /crm/dashboard': dashboard(),
    });
    renderDashboard();
    const revenue = await screen.findByTestId('dashboard-revenue');
    expect(within(revenue).getByText('Won revenue this month')).toBeInTheDocument();
    expect(within(revenue).getByText('$125,000.00')).toBeInTheDocument();
  });
});
