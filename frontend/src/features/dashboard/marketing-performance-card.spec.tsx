import type { StatsReport } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, pending, stubFetch } from '../../test/fetch-stub';
import { funnelMetrics, META_CONNECTED, META_DISCONNECTED, REPORT_META } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { DashboardPage } from './dashboard-page';
import { MarketingPerformanceCard } from './marketing-performance-card';

const disconnected = META_DISCONNECTED;
const connected = META_CONNECTED;
const stats: StatsReport = { ...REPORT_META, totals: funnelMetrics() };

function renderCard() {
  return renderWithApp(<MarketingPerformanceCard />, { path: '/', authenticated: true });
}

describe('MarketingPerformanceCard', () => {
  it("shows the last 30 days' spend, leads, cost per lead, revenue and ROI in Mexican formats", async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': connected,
      'GET /crm/marketing/stats': stats,
    });
    renderCard();
    expect(await screen.findByTestId('marketing-performance-spend')).toHaveTextContent('$5,000.00');
    expect(screen.getByTestId('marketing-performance-leads')).toHaveTextContent('40');
    expect(screen.getByTestId('marketing-performance-cpl')).toHaveTextContent('$125.00');
    expect(screen.getByTestId('marketing-performance-revenue')).toHaveTextContent('$118,422.56');
    expect(screen.getByTestId('marketing-performance-roi')).toHaveTextContent('2,268.5%');
    // Which view the numbers use (the Marketing Hub's default): what happened in the range.
    expect(screen.getByText(/vista periodo/)).toBeInTheDocument();
    expect(screen.getByTestId('marketing-performance-roi')).toHaveAttribute(
      'title',
      expect.stringMatching(/inversión/),
    );
    expect(screen.getByRole('link', { name: /Abrir Marketing Hub/ })).toHaveAttribute('href', '/marketing');
    expect(api.calls('GET /crm/marketing/stats')[0]!.query.get('preset')).toBe('last_30d');
  });

  it('says "—" where a ratio is undefined and notes cached spend', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': connected,
      'GET /crm/marketing/stats': {
        ...stats,
        stale: true,
        totals: { ...stats.totals, spend: 0, leads: 0, costPerLead: null, roiPercent: null },
      },
    });
    renderCard();
    expect(await screen.findByTestId('marketing-performance-cpl')).toHaveTextContent('—');
    expect(screen.getByTestId('marketing-performance-roi')).toHaveTextContent('—');
    expect(screen.getByTestId('marketing-performance')).toHaveTextContent('inversión de Meta en caché');
  });

  it('asks to connect Meta instead of showing zeros, and never asks for the report', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': disconnected,
    });
    renderCard();
    expect(await screen.findByTestId('marketing-performance-setup')).toHaveTextContent(
      /Conecta tu cuenta de Meta/,
    );
    expect(api.calls('GET /crm/marketing/stats')).toHaveLength(0);
  });

  it('asks to reconnect an expired connection', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': { ...connected, state: 'expired' },
    });
    renderCard();
    expect(await screen.findByTestId('marketing-performance-setup')).toHaveTextContent(
      /venció o fue revocada/,
    );
  });

  it('shows placeholders while loading and an error with a retry', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/marketing/token-status': connected,
      'GET /crm/marketing/stats': pending,
    });
    const { user, unmount } = renderCard();
    expect(
      await within(await screen.findByTestId('marketing-performance')).findByRole('status'),
    ).toBeInTheDocument();
    unmount();

    api.use({ 'GET /crm/marketing/stats': () => apiError(503, 'META_UNAVAILABLE') });
    renderCard();
    const alert = await screen.findByRole('alert');
    api.use({ 'GET /crm/marketing/stats': stats });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByTestId('marketing-performance-revenue')).toHaveTextContent('$118,422.56');
  });

  it('is on the dashboard for the ceo, not for a setter', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/dashboard': pending,
    });
    renderWithApp(<DashboardPage />, { path: '/', authenticated: true });
    expect(await screen.findByTestId('dashboard-loading')).toBeInTheDocument();
    expect(screen.queryByTestId('marketing-performance')).toBeNull();
  });
});
