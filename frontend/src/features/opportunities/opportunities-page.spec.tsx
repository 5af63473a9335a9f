import type { OpportunityBoard, OpportunityView, TenantView } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { CREATED_AT, lead, page } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { OpportunitiesPage } from './opportunities-page';

const TENANT: TenantView = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Inmobiliaria Sol',
  currency: 'MXN',
  timezone: 'America/Mexico_City',
  locale: 'es-MX',
};

function opportunity(overrides: Partial<OpportunityView> = {}): OpportunityView {
  return {
    id: '00000000-0000-4000-8000-0000000000e1',
    leadId: lead().id,
    leadName: lead().name,
    title: 'Departamento en Polanco',
    value: 118422.56,
    currency: 'MXN',
    status: 'pending',
    deadline: null,
    ownerId: null,
    ownerName: 'Ana Torres',
    lostReason: null,
    closedAt: null,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
}

function board(cards: OpportunityView[] = []): OpportunityBoard {
  const pendingCards = cards.filter((card) => card.status === 'pending');
  return {
    columns: [
      {
        status: 'pending',
        count: pendingCards.length,
        totals: pendingCards.length
          ? [
              {
                currency: pendingCards[0]!.currency,
                value: pendingCards.reduce((sum, card) => sum + card.value, 0),
              },
            ]
          : [],
        cards: pendingCards,
      },
      { status: 'won', count: 0, totals: [], cards: [] },
      { status: 'lost', count: 0, totals: [], cards: [] },
    ],
  };
}

function renderOpportunities() {
  return renderWithApp(<OpportunitiesPage />, { path: '/opportunities', authenticated: true });
}

describe('OpportunitiesPage', () => {
  it('says it is loading while the board loads', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/opportunities/board': pending });
    renderOpportunities();
    expect(await screen.findByTestId('opportunity-board')).toHaveAttribute('aria-busy', 'true');
    expect(within(screen.getByTestId('board-column-pending')).getByText('Cargando…')).toBeInTheDocument();
  });

  it('shows three empty columns when there are no opportunities', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), 'GET /crm/opportunities/board': board() });
    renderOpportunities();
    const won = await screen.findByTestId('board-column-won');
    expect(await within(won).findByText('Sin oportunidades')).toBeInTheDocument();
    expect(within(won).getByTestId('column-count')).toHaveTextContent('0 oportunidades');
  });

  it('shows an error with a retry, then the cards with Mexican amounts', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/opportunities/board': () => apiError(500, 'INTERNAL'),
    });
    const { user } = renderOpportunities();
    const alert = await screen.findByRole('alert');
    api.use({ 'GET /crm/opportunities/board': board([opportunity()]) });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    const column = await screen.findByTestId('board-column-pending');
    const card = await within(column).findByTestId('opportunity-card');
    expect(card).toHaveTextContent('Departamento en Polanco');
    expect(card).toHaveTextContent('$118,422.56');
    expect(within(column).getByTestId('column-totals')).toHaveTextContent('$118,422.56');
  });

  it('creates an opportunity for a lead found by name, in the tenant currency, and shows its card', async () => {
    const ana = lead({
      id: '00000000-0000-4000-8000-0000000000b1',
      name: 'Ana Ruiz',
      phone: '+5215511110001',
    });
    const beto = lead({
      id: '00000000-0000-4000-8000-0000000000b2',
      name: 'Beto Gil',
      phone: '+5215511110002',
    });
    let created: OpportunityView | null = null;
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/tenant': { ...TENANT, currency: 'USD' },
      'GET /crm/opportunities/board': () => json(board(created ? [created] : [])),
      'GET /crm/leads': (request: StubRequest) =>
        json(page(request.query.get('search') === 'Beto' ? [beto] : [ana, beto])),
      'POST /crm/opportunities': (request: StubRequest) => {
        const body = request.body as { title: string; value: number; leadId: string };
        created = opportunity({
          id: 'opp-new',
          title: body.title,
          value: body.value,
          currency: 'USD',
          leadName: 'Beto Gil',
        });
        return json(created, 201);
      },
    });
    const { user } = renderOpportunities();
    await user.click(await screen.findByTestId('new-opportunity-button'));
    const dialog = await screen.findByRole('dialog', { name: 'Nueva oportunidad' });
    const leadSelect = within(dialog).getByTestId('new-opportunity-lead');
    await within(leadSelect).findByRole('option', { name: 'Ana Ruiz · +5215511110001' });
    expect(within(dialog).getByTestId('new-opportunity-submit')).toBeDisabled();

    await user.type(within(dialog).getByTestId('new-opportunity-lead-search'), 'Beto');
    await waitFor(() => expect(within(leadSelect).queryByRole('option', { name: /Ana Ruiz/ })).toBeNull());
    expect(leadSelect).toHaveValue(beto.id);
    await user.type(within(dialog).getByTestId('new-opportunity-title'), 'Casa en Coyoacán');
    await user.type(within(dialog).getByTestId('new-opportunity-value'), '250000.5');
    expect(within(dialog).getByTestId('new-opportunity-currency')).toHaveValue('USD');
    await user.click(within(dialog).getByTestId('new-opportunity-submit'));

    expect(await screen.findByTestId('opportunities-notice')).toHaveTextContent(
      'Oportunidad «Casa en Coyoacán» creada.',
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls('POST /crm/opportunities')[0]!.body).toEqual({
      leadId: beto.id,
      title: 'Casa en Coyoacán',
      value: 250000.5,
      currency: 'USD',
    });
    const card = await within(screen.getByTestId('board-column-pending')).findByTestId('opportunity-card');
    expect(card).toHaveTextContent('USD 250,000.50');
  });

  it('keeps the dialog open with the reason when the API refuses', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/tenant': TENANT,
      'GET /crm/opportunities/board': board(),
      'GET /crm/leads': page([lead()]),
      'POST /crm/opportunities': () => apiError(404, 'NOT_FOUND', 'lead not found'),
    });
    const { user } = renderOpportunities();
    await user.click(await screen.findByTestId('new-opportunity-button'));
    const dialog = await screen.findByRole('dialog');
    await within(within(dialog).getByTestId('new-opportunity-lead')).findByRole('option', {
      name: /Lucía Hernández/,
    });
    await user.type(within(dialog).getByTestId('new-opportunity-title'), 'Terreno');
    await user.type(within(dialog).getByTestId('new-opportunity-value'), '1000');
    await user.click(within(dialog).getByTestId('new-opportunity-submit'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Ese lead ya no existe o no es tuyo: búscalo de nuevo.',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
