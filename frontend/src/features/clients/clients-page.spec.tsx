import { LIST_TOTAL_CAP, type ClientView } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { page } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { ClientsPage } from './clients-page';

function client(overrides: Partial<ClientView> = {}): ClientView {
  return {
    leadId: '00000000-0000-4000-8000-0000000000c1',
    name: 'María López',
    phone: '+5215512345678',
    assignedUserId: '00000000-0000-4000-8000-0000000000a2',
    assignedUserName: 'Sergio Setter',
    revenue: [
      { currency: 'MXN', value: 118422.56 },
      { currency: 'USD', value: 99.5 },
    ],
    purchases: 3,
    lastPurchaseAt: '2026-11-26T16:23:00.000Z',
    ...overrides,
  };
}

function renderClients() {
  return renderWithApp(<ClientsPage />, { path: '/clients', authenticated: true });
}

describe('ClientsPage', () => {
  it('shows a placeholder while the clients load', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/clients': pending });
    renderClients();
    expect(await screen.findByRole('status')).toHaveTextContent('Cargando…');
    expect(screen.queryByTestId('clients-table')).toBeNull();
  });

  it('says there are no clients yet', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('setter'), 'GET /crm/clients': page([]) });
    renderClients();
    expect(
      await screen.findByText('Aún no hay clientes: aparecen con su primera venta completada.'),
    ).toBeInTheDocument();
  });

  it('shows an error with a retry, then the clients', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/clients': () => apiError(500, 'INTERNAL'),
    });
    const { user } = renderClients();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No pudimos cargar la información.');
    api.use({ 'GET /crm/clients': page([client()]) });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByTestId('clients-table')).toBeInTheDocument();
  });

  it('lists clients with revenue per currency, purchases and last purchase in Mexican format', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/clients': page([
        client(),
        client({ leadId: 'lead-2', name: 'Pedro Ruiz', assignedUserName: null }),
      ]),
    });
    renderClients();
    const row = await screen.findByTestId('client-row-00000000-0000-4000-8000-0000000000c1');
    expect(within(row).getByText('María López')).toBeInTheDocument();
    expect(within(row).getByText('Sergio Setter')).toBeInTheDocument();
    expect(within(row).getByText('$118,422.56')).toBeInTheDocument();
    expect(within(row).getByText('USD 99.50')).toBeInTheDocument();
    expect(within(row).getByText('3')).toBeInTheDocument();
    expect(within(row).getByText('26 nov 2026, 10:23')).toBeInTheDocument();
    expect(within(screen.getByTestId('client-row-lead-2')).getByText('Sin asignar')).toBeInTheDocument();
  });

  it('says "more than 10,000" when the count stops at its cap, and still pages on', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/clients': (request: StubRequest) =>
        json(page([client()], LIST_TOTAL_CAP + 1, Number(request.query.get('page')), 25)),
    });
    const { user } = renderClients();
    expect(await screen.findByText('Mostrando 1–1 de más de 10,000')).toBeInTheDocument();
    expect(screen.getByText('Página 1 de más de 400')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Siguiente' }));
    expect(await screen.findByText('Página 2 de más de 400')).toBeInTheDocument();
    expect(api.calls('GET /crm/clients').at(-1)!.query.get('page')).toBe('2');
  });

  it('searches by name from page 1 and says when nothing matches', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/clients': (request: StubRequest) =>
        json(request.query.get('search') ? page([]) : page([client()])),
    });
    const { user } = renderClients();
    await screen.findByTestId('clients-table');
    await user.type(screen.getByRole('searchbox'), 'zzz');
    await user.click(screen.getByRole('button', { name: 'Buscar' }));
    expect(await screen.findByText('Ningún cliente coincide con la búsqueda.')).toBeInTheDocument();
    const last = api.calls('GET /crm/clients').at(-1)!;
    expect(last.query.get('search')).toBe('zzz');
    expect(last.query.get('page')).toBe('1');
  });
});
