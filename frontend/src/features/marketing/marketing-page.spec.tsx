import type { RoiReport, StatsReport } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch } from '../../test/fetch-stub';
import { funnelMetrics, META_CONNECTED, META_DISCONNECTED, REPORT_META } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { CampaignTable } from './campaign-table';
import { MarketingPage } from './marketing-page';

const disconnected = META_DISCONNECTED;
const connected = META_CONNECTED;
const metrics = funnelMetrics;
const meta = REPORT_META;

const stats: StatsReport = { ...meta, totals: metrics() };
const roi: RoiReport = {
  ...meta,
  campaigns: [
    {
      ...metrics(),
      campaignId: 'cmp-1',
      campaignName: 'Preventa Polanco',
      ads: [{ ...metrics({ spend: 2500 }), adId: 'ad-1', adName: 'Video recorrido', adsetId: 'set-1' }],
    },
  ],
  unattributed: metrics({
    spend: 0,
    leads: 2,
    opportunities: 0,
    revenue: 0,
    costPerLead: null,
    roiPercent: null,
  }),
};

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
      'GET /crm/marketing/stats': stats,
      'GET /crm/marketing/stats/roi': roi,
    });
    const { user } = renderMarketing();

    expect(await screen.findByTestId('kpi-revenue')).toHaveTextContent('$118,422.56');
    expect(screen.getByTestId('kpi-spend')).toHaveTextContent('$5,000.00');
    expect(screen.getByTestId('kpi-cpl')).toHaveTextContent('$125.00');
    expect(screen.getByTestId('kpi-roi')).toHaveTextContent(/2,268\.5\s?%/);
    expect(screen.getByText(/Del 28 oct 2026 al 26 nov 2026/)).toBeInTheDocument();
    expect(api.calls('GET /crm/marketing/stats')[0]!.query.get('preset')).toBe('last_30d');

    const row = await screen.findByTestId('campaign-row-cmp-1');
    expect(within(row).getByText('Preventa Polanco')).toBeInTheDocument();
    expect(within(row).getByText('$118,422.56')).toBeInTheDocument();
    expect(within(screen.getByTestId('unattributed-row')).getAllByText('—').length).toBe(2);

    await user.click(within(row).getByRole('button', { name: /Preventa Polanco/ }));
    expect(within(screen.getByTestId('ad-row-ad-1')).getByText('$2,500.00')).toBeInTheDocument();
  });

  it('keeps the KPIs and says why when the report fails', async () => {
    stubFetch({
      'GET /crm/marketing/token-status': connected,
      'GET /crm/marketing/stats': () =>
        json(
          { statusCode: 429, code: 'META_RATE_LIMITED', message: 'slow', details: { retryAfterSeconds: 30 } },
          429,
        ),
      'GET /crm/marketing/stats/roi': roi,
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

describe('CampaignTable', () => {
  it('says there was no activity when the range is empty', () => {
    renderWithApp(
      <CampaignTable
        report={{
          ...roi,
          campaigns: [],
          unattributed: metrics({ leads: 0, opportunities: 0, revenue: 0, sales: 0 }),
        }}
      />,
    );
    expect(screen.getByText('Sin actividad en el periodo')).toBeInTheDocument();
  });
});
