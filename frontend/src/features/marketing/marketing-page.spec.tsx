import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch } from '../../test/fetch-stub';
import { marketingReport, META_CONNECTED, META_DISCONNECTED } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
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
