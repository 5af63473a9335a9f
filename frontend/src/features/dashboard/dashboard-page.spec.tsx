import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { page } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { DashboardPage } from './dashboard-page';

const TOTALS: Record<string, number> = { all: 2000, nuevo: 1234, cerrado_ganado: 87 };

function countsByStatus(request: StubRequest) {
  const total = TOTALS[request.query.get('status') ?? 'all'] ?? 0;
  return json(page([], total, 1, 1));
}

function renderDashboard() {
  return renderWithApp(<DashboardPage />, { path: '/', authenticated: true });
}

describe('DashboardPage', () => {
  it('greets the user and shows lead totals per status, grouped the Mexican way', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/leads': countsByStatus });
    renderDashboard();

    expect(await screen.findByText('Hola, Ana Torres. Este es el estado de tu embudo.')).toBeInTheDocument();
    expect(await screen.findByTestId('dashboard-total')).toHaveTextContent('2,000');
    const nuevo = await screen.findByTestId('dashboard-status-nuevo');
    expect(await within(nuevo).findByText('1,234')).toBeInTheDocument();
    expect(within(nuevo).getByText('Nuevo')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('dashboard-status-cerrado_ganado')).getByText('Cerrado ganado'),
    ).toBeVisible();
    expect(
      await within(screen.getByTestId('dashboard-status-negociacion')).findByText('0'),
    ).toBeInTheDocument();
  });

  it('shows placeholders while the counts load', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/leads': pending });
    renderDashboard();
    expect(await screen.findByTestId('dashboard-total')).toHaveTextContent('…');
  });

  it('shows one error with a retry when the counts fail, then recovers', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/leads': () => apiError(500, 'INTERNAL'),
    });
    const { user } = renderDashboard();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No pudimos cargar la información.');

    api.use({ 'GET /crm/leads': countsByStatus });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByTestId('dashboard-total')).toHaveTextContent('2,000');
  });

  it('offers only the shortcuts the role may use', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('setter'), 'GET /crm/leads': countsByStatus });
    renderDashboard();
    expect(await screen.findByRole('link', { name: /Busca, filtra/ })).toHaveAttribute('href', '/leads');
    expect(screen.queryByRole('link', { name: /Marketing Hub/ })).toBeNull();
    expect(screen.queryByRole('link', { name: /Automatización HSM/ })).toBeNull();
  });
});
