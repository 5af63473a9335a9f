import type { ConnectionStatus, FxRateView, MarketingReport } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, pending, stubFetch } from '../../test/fetch-stub';
import { marketingReport, META_CONNECTED, META_DISCONNECTED } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { MarketingPage } from './marketing-page';

const disconnected = META_DISCONNECTED;
const connected = META_CONNECTED;
const report = marketingReport();

function renderMarketing(path = '/marketing') {
  return renderWithApp(<MarketingPage />, { path, route: '/marketing' });
}

describe('MarketingPage', () => {
  it('shows a loading placeholder while the connection is read', async () => {
    stubFetch({ 'GET /crm/marketing/token-status': pending });
    renderMarketing();
    expect(await screen.findByRole('status')).toHaveTextContent('Cargando…');
  });

  it('invites to connect Meta when the tenant is disconnected', async () => {
    stubFetch({ 'GET /crm/marketing/token-status': disconnected });
    renderMarketing();
    const banner = await screen.findByTestId('meta-status-banner');
    expect(within(banner).getByText('Conecta tu cuenta de Meta')).toBeInTheDocument();
    expect(within(banner).getByRole('button', { name: 'Conectar Meta' })).toBeEnabled();
  });

  it('explains a Meta outage in words, with a retry', async () => {
    stubFetch({
      'GET /crm/marketing/token-status': () => apiError(503, 'META_UNAVAILABLE', 'Meta is down'),
    });
    renderMarketing();
    const notice = await screen.findByTestId('meta-error');
    expect(notice).toHaveTextContent('Meta no está disponible en este momento.');
    expect(within(notice).getByRole('button', { name: 'Reintentar' })).toBeInTheDocument();
  });

  it('reports the cancelled consent from the callback redirect', async () => {
    stubFetch({ 'GET /crm/marketing/token-status': disconnected });
    renderMarketing('/marketing?meta_error=access_denied');
    expect(await screen.findByTestId('meta-message')).toHaveTextContent('Conexión cancelada');
  });

  it('shows KPIs and campaigns in pesos, grouped the Mexican way, with human dates', async () => {
    const api = stubFetch({
      'GET /crm/marketing/token-status': connected,
      'GET /crm/marketing/report': report,
    });
    const { user } = renderMarketing();

    expect(await screen.findByTestId('kpi-revenue')).toHaveTextContent('$118,422.56');
    expect(screen.getByTestId('kpi-spend')).toHaveTextContent('$5,000.00');
    expect(screen.getByTestId('kpi-cpl')).toHaveTextContent('$125.00');
    expect(screen.getByTestId('kpi-roi')).toHaveTextContent(/2,268\.5\s?%/);
    expect(screen.getByText(/Del 28 oct 2026 al 26 nov 2026/)).toBeInTheDocument();
    // One request for the whole report, in the default view.
    expect(api.requests.map((request) => request.path)).toEqual([
      '/crm/marketing/token-status',
      '/crm/marketing/report',
    ]);
    const [request] = api.calls('GET /crm/marketing/report');
    expect(request!.query.get('preset')).toBe('last_30d');
    expect(request!.query.get('view')).toBe('period');

    const row = await screen.findByTestId('campaign-row-cmp-1');
    expect(within(row).getByText('Preventa Polanco')).toBeInTheDocument();
    expect(within(row).getByText('$118,422.56')).toBeInTheDocument();
    // CPL, cost per opportunity, cost per sale, ROAS and ROI have nothing to divide by.
    expect(within(screen.getByTestId('unattributed-row')).getAllByText('—').length).toBe(5);

    await user.click(within(row).getByRole('button', { name: 'Mostrar anuncios de Preventa Polanco' }));
    expect(within(screen.getByTestId('ad-row-ad-1')).getByText('$2,500.00')).toBeInTheDocument();
  });

  it('says why when the report fails', async () => {
    stubFetch({
      'GET /crm/marketing/token-status': connected,
      'GET /crm/marketing/report': () =>
        json(
          { statusCode: 429, code: 'META_RATE_LIMITED', message: 'slow', details: { retryAfterSeconds: 30 } },
          429,
        ),
    });
    renderMarketing();
    expect(await screen.findByTestId('meta-error')).toHaveTextContent(
      'Meta limitó temporalmente las consultas. Inténtalo de nuevo en 30 segundos.',
    );
  });

  it('walks the setup wizard with Meta codes shown as words', async () => {
    stubFetch({
      'GET /crm/marketing/token-status': { ...connected, setupComplete: false },
      'GET /crm/marketing/meta-portfolios': [
        { id: 'biz-1', name: 'Inmobiliaria Sol', verificationStatus: 'verified' },
        { id: 'biz-2', name: 'Otra', verificationStatus: 'not_verified' },
      ],
    });
    renderMarketing();
    const select = await screen.findByTestId('wizard-portfolio');
    expect(within(select).getByRole('option', { name: 'Inmobiliaria Sol (verificado)' })).toBeInTheDocument();
    expect(within(select).getByRole('option', { name: 'Otra (sin verificar)' })).toBeInTheDocument();
  });
});

const RATE: FxRateView = {
  id: '11111111-1111-4111-8111-111111111111',
  day: '2026-01-15',
  from: 'USD',
  to: 'MXN',
  rate: 17.25,
  createdAt: '2026-01-05T16:00:00.000Z',
};

/** A sale in USD with no rate for its day (left out of revenue): the report's no-rate notice. */
const LACKING_RATE: MarketingReport = marketingReport({
  salesCurrencies: ['MXN', 'USD'],
  currencyMismatch: true,
  revenueByCurrency: [
    report.revenueByCurrency[0]!,
    {
      currency: 'USD',
      sales: 2,
      amount: 1500,
      refunds: 0,
      refundedAmount: 0,
      convertedSales: 0,
      convertedAmount: 0,
      unconvertedSales: 2,
      unconvertedAmount: 1500,
      reason: 'no_rate',
    },
  ],
});

/** The page as the ceo sees it (the exchange rates are the ceo's and the professional's). */
function renderAsCeo(
  status: ConnectionStatus,
  answer: MarketingReport = report,
  rates: FxRateView[] = [RATE],
) {
  const api = stubFetch({
    'GET /crm/auth/me': sessionUser('ceo'),
    'GET /crm/marketing/token-status': status,
    'GET /crm/marketing/report': answer,
    'GET /crm/marketing/fx-rates': rates,
    'GET /crm/marketing/meta-portfolios': [
      { id: 'biz-1', name: 'Inmobiliaria Sol', verificationStatus: 'verified' },
    ],
    'GET /crm/marketing/conversions/settings': pending,
    'GET /crm/marketing/conversions/datasets': pending,
    'GET /crm/marketing/conversions/log': pending,
    'GET /crm/marketing/lead-ads/forms': pending,
    'GET /crm/marketing/lead-ads/backfills': pending,
    'GET /crm/marketing/lead-ads/pages': pending,
  });
  return { api, ...renderWithApp(<MarketingPage />, { path: '/marketing', authenticated: true }) };
}

describe('MarketingPage: the exchange rates', () => {
  afterEach(() => {
    // A followed #fx-rates link stays in jsdom's address; the next test starts without it.
    window.history.replaceState(null, '', '/');
  });

  it('are not shown while Meta is disconnected, and not asked for', async () => {
    const { api } = renderAsCeo(disconnected);
    await screen.findByTestId('meta-status-banner');
    expect(screen.queryByTestId('fx-rates-section')).toBeNull();
    expect(api.calls('GET /crm/marketing/fx-rates')).toEqual([]);
  });

  it('are not shown during the setup', async () => {
    renderAsCeo({ ...connected, setupComplete: false });
    await screen.findByTestId('wizard-portfolio');
    expect(screen.queryByTestId('fx-rates-section')).toBeNull();
  });

  it('follow the dashboard, closed while there are rates and no sale lacks one', async () => {
    renderAsCeo(connected);
    await screen.findByTestId('kpi-spend');
    const toggle = await screen.findByRole('button', { name: 'Tipos de cambio' });
    expect(await screen.findByTestId('fx-rates-summary')).toHaveTextContent('1 tipo de cambio registrado.');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByTestId('fx-rates-table')).not.toBeVisible();
  });

  it('open when a sale lacks a rate; the notice’s link opens them again, moves the focus there and scrolls', async () => {
    const scrollIntoView = vi.fn();
    Object.defineProperty(HTMLElement.prototype, 'scrollIntoView', {
      configurable: true,
      value: scrollIntoView,
    });
    try {
      const { user } = renderAsCeo(connected, LACKING_RATE);
      const notice = await screen.findByTestId('no-rate-notice-USD');
      const toggle = await screen.findByRole('button', { name: 'Tipos de cambio' });
      await waitFor(() => expect(screen.getByTestId('fx-rates-table')).toBeVisible());
      expect(toggle).toHaveAttribute('aria-expanded', 'true');

      await user.click(toggle);
      expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await user.click(within(notice).getByRole('link', { name: 'Registrar tipos de cambio' }));
      expect(toggle).toHaveAttribute('aria-expanded', 'true');
      expect(screen.getByTestId('fx-rates-table')).toBeVisible();
      expect(toggle).toHaveFocus();
      expect(scrollIntoView).toHaveBeenCalledTimes(1);
      expect(scrollIntoView.mock.contexts[0]).toBe(screen.getByTestId('fx-rates-section'));
    } finally {
      delete (HTMLElement.prototype as { scrollIntoView?: unknown }).scrollIntoView;
    }
  });

  it('open at once when the address is #fx-rates (a shared or bookmarked link)', async () => {
    window.history.replaceState(null, '', '/#fx-rates');
    renderAsCeo(connected);
    const toggle = await screen.findByRole('button', { name: 'Tipos de cambio' });
    await waitFor(() => expect(screen.getByTestId('fx-rates-table')).toBeVisible());
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
  });
});
