import type { Agenda, AgendaItem } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { renderWithApp, sessionUser } from '../../test/render';
import { AgendaPage } from './agenda-page';

/** Thursday 26 Nov 2026, noon in the tests' time zone (America/Mexico_City). */
const TODAY = new Date(2026, 10, 26, 12);
const MONDAY = new Date(2026, 10, 23);
const NEXT_MONDAY = new Date(2026, 10, 30);

function item(overrides: Partial<AgendaItem> = {}): AgendaItem {
  return {
    opportunityId: 'opp-1',
    leadId: 'lead-1',
    leadName: 'María López',
    title: 'Departamento en Polanco',
    value: 2500000,
    currency: 'MXN',
    deadline: new Date(2026, 10, 24, 10, 30).toISOString(),
    ownerId: 'user-1',
    ownerName: 'Carla Gómez',
    ...overrides,
  };
}

function agenda(items: AgendaItem[], truncated = false) {
  return (request: StubRequest) =>
    json({
      from: request.query.get('from') ?? '',
      to: request.query.get('to') ?? '',
      items,
      truncated,
    } satisfies Agenda);
}

function renderAgenda() {
  return renderWithApp(<AgendaPage today={TODAY} />, { path: '/agenda', authenticated: true });
}

describe('AgendaPage', () => {
  it('asks for the week from Monday to Monday and shows a placeholder while it loads', async () => {
    const api = stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/agenda': pending });
    renderAgenda();
    await waitFor(() => expect(api.calls('GET /crm/agenda')).toHaveLength(1));
    expect(screen.getByRole('status')).toHaveTextContent('Cargando…');
    const [request] = api.calls('GET /crm/agenda');
    expect(request!.query.get('from')).toBe(MONDAY.toISOString());
    expect(request!.query.get('to')).toBe(NEXT_MONDAY.toISOString());
    expect(screen.getByTestId('agenda-week')).toHaveTextContent('23 nov 2026 – 29 nov 2026');
  });

  it('says the week has no deadlines', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('closer'), 'GET /crm/agenda': agenda([]) });
    renderAgenda();
    expect(await screen.findByText('No hay fechas límite esta semana.')).toBeInTheDocument();
  });

  it('shows an error with a retry, then the deadlines', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/agenda': () => apiError(500, 'INTERNAL'),
    });
    const { user } = renderAgenda();
    const alert = await screen.findByRole('alert');
    api.use({ 'GET /crm/agenda': agenda([item()]) });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByText('Departamento en Polanco')).toBeInTheDocument();
  });

  it('groups deadlines by day with lead, owner, value and time', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/agenda': agenda([
        item(),
        item({
          opportunityId: 'opp-2',
          title: 'Casa en Coyoacán',
          leadName: 'Pedro Ruiz',
          value: 3000,
          deadline: new Date(2026, 10, 24, 18).toISOString(),
        }),
        item({
          opportunityId: 'opp-3',
          title: 'Local comercial',
          value: 1200.5,
          currency: 'USD',
          ownerName: null,
          deadline: new Date(2026, 10, 27, 9).toISOString(),
        }),
      ]),
    });
    renderAgenda();
    const tuesday = await screen.findByTestId('agenda-day-2026-11-24');
    expect(within(tuesday).getByRole('heading')).toHaveTextContent('24 nov 2026');
    expect(within(tuesday).getAllByRole('listitem')).toHaveLength(2);
    expect(within(tuesday).getByText('María López · Carla Gómez')).toBeInTheDocument();
    expect(within(tuesday).getByText('$2,500,000.00')).toBeInTheDocument();
    expect(within(tuesday).getByText('24 nov 2026, 10:30')).toBeInTheDocument();
    const friday = screen.getByTestId('agenda-day-2026-11-27');
    expect(within(friday).getByText('USD 1,200.50')).toBeInTheDocument();
    expect(within(friday).getByText('María López · Sin responsable')).toBeInTheDocument();
  });

  it('moves to the previous and next week', async () => {
    const api = stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/agenda': agenda([]) });
    const { user } = renderAgenda();
    await screen.findByText('No hay fechas límite esta semana.');
    await user.click(screen.getByRole('button', { name: 'Semana siguiente' }));
    expect(await screen.findByTestId('agenda-week')).toHaveTextContent('30 nov 2026 – 6 dic 2026');
    await user.click(screen.getByRole('button', { name: 'Semana anterior' }));
    await user.click(screen.getByRole('button', { name: 'Semana anterior' }));
    expect(screen.getByTestId('agenda-week')).toHaveTextContent('16 nov 2026 – 22 nov 2026');
    const froms = api.calls('GET /crm/agenda').map((request) => request.query.get('from'));
    expect(froms).toContain(NEXT_MONDAY.toISOString());
    expect(froms).toContain(new Date(2026, 10, 16).toISOString());
  });

  it('warns when the answer was cut short', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/agenda': agenda([item()], true) });
    renderAgenda();
    expect(await screen.findByText('Se muestran solo las primeras 500 fechas límite.')).toBeInTheDocument();
  });
});
