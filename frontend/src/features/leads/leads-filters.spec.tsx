import type { LeadPage, LeadView, UserView } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { lead, leadDetail } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { LeadsPage } from './leads-page';

function keysetPage(items: LeadView[], options: Partial<LeadPage> = {}): LeadPage {
  return {
    items,
    pageSize: 20,
    page: 1,
    total: items.length,
    totalCapped: false,
    nextCursor: null,
    ...options,
  };
}

const SELLERS: UserView[] = [
  {
    id: '00000000-0000-4000-8000-0000000000b1',
    name: 'Sergio Setter',
    email: 'sergio@sol.mx',
    role: 'setter',
    active: true,
    createdAt: '2026-11-01T00:00:00.000Z',
    phone: null,
  },
];

const AD_LEAD = lead({
  adNames: {
    adId: '120210000000000001',
    adName: 'Video recorrido',
    adsetId: '120210000000000002',
    adsetName: 'CDMX 25-45',
    campaignId: '120210000000000003',
    campaignName: 'Preventa Polanco',
  },
});

function renderLeads(path: string, role: 'ceo' | 'setter' = 'ceo', extra: Record<string, unknown> = {}) {
  const api = stubFetch({
    'GET /crm/auth/me': sessionUser(role),
    'GET /crm/users': SELLERS,
    ...extra,
  } as Parameters<typeof stubFetch>[0]);
  return { api, ...renderWithApp(<LeadsPage />, { path, route: '/leads', authenticated: true }) };
}

const lastQuery = (calls: StubRequest[]) => calls[calls.length - 1]!.query;

describe('LeadsPage filters, sorting and keyset paging', () => {
  it('sends every filter of the address bar, days as instants on the tenant clock, and names the campaign', async () => {
    const { api } = renderLeads(
      '/leads?campaignId=120210000000000003&adId=120210000000000001&assignedUserId=00000000-0000-4000-8000-0000000000b1&tag=vip&from=2026-11-01&to=2026-11-30&sort=oldest',
      'ceo',
      { 'GET /crm/leads': keysetPage([AD_LEAD]) },
    );
    const row = await screen.findByTestId(`lead-row-${AD_LEAD.id}`);
    const query = api.calls('GET /crm/leads')[0]!.query;
    expect(Object.fromEntries(query)).toEqual({
      pageSize: '20',
      campaignId: '120210000000000003',
      adId: '120210000000000001',
      assignedUserId: '00000000-0000-4000-8000-0000000000b1',
      tag: 'vip',
      // America/Mexico_City (the session's tenant timezone): both days whole.
      createdFrom: '2026-11-01T06:00:00.000Z',
      createdTo: '2026-12-01T06:00:00.000Z',
      sort: 'oldest',
    });
    expect(screen.getByTestId('leads-filter-campaign')).toHaveTextContent('Campaña: Preventa Polanco');
    expect(screen.getByTestId('leads-filter-ad')).toHaveTextContent('Anuncio: Video recorrido');
    expect(within(row).getAllByText('Preventa Polanco').length).toBeGreaterThan(0);
    expect(document.body.textContent).not.toMatch(/120210000000000003/);
    expect(await screen.findByRole('option', { name: 'Sergio Setter' })).toBeInTheDocument();
    expect(screen.getByLabelText('Vendedor')).toHaveValue('00000000-0000-4000-8000-0000000000b1');
    expect(screen.getByLabelText('Ordenar por')).toHaveDisplayValue('Más antiguos');
  });

  it('names the campaign and ad a Marketing Hub link brought along when no lead on the page does', async () => {
    const { api, user, router } = renderLeads(
      '/leads?campaignId=cmp-9&campaignName=Preventa+Roma+%26+Condesa&adId=ad-9&adName=Carrusel',
      'ceo',
      { 'GET /crm/leads': keysetPage([]) },
    );
    const chip = await screen.findByTestId('leads-filter-campaign');
    expect(chip).toHaveTextContent('Campaña: Preventa Roma & Condesa');
    expect(screen.getByTestId('leads-filter-ad')).toHaveTextContent('Anuncio: Carrusel');
    // Display only: the API filters by id.
    const query = api.calls('GET /crm/leads')[0]!.query;
    expect(query.get('campaignId')).toBe('cmp-9');
    expect(query.has('campaignName')).toBe(false);
    expect(query.has('adName')).toBe(false);

    await user.click(within(chip).getByRole('button'));
    await waitFor(() => expect(router.state.location.search).toBe('?adId=ad-9&adName=Carrusel'));
  });

  it('keeps filter changes in the URL and searches once typing pauses', async () => {
    const { api, user, router } = renderLeads('/leads', 'ceo', {
      'GET /crm/leads': keysetPage([lead()]),
    });
    await screen.findByTestId('leads-table');
    await user.selectOptions(screen.getByLabelText('Estado'), 'calificado');
    await waitFor(() => expect(router.state.location.search).toBe('?status=calificado'));
    await user.type(screen.getByTestId('leads-search'), '5512');
    await waitFor(() => expect(router.state.location.search).toBe('?status=calificado&search=5512'));
    const searches = () =>
      api
        .calls('GET /crm/leads')
        .map((call) => call.query.get('search'))
        .filter((search) => search !== null);
    // One request for the paused text, none for "5", "55", "551".
    await waitFor(() => expect(searches()).toEqual(['5512']));
    expect(lastQuery(api.calls('GET /crm/leads')).get('status')).toBe('calificado');
  });

  it('hides the seller filter from a setter, who only sees their own leads', async () => {
    const { api } = renderLeads('/leads', 'setter', { 'GET /crm/leads': keysetPage([lead()]) });
    await screen.findByTestId('leads-table');
    expect(screen.queryByTestId('leads-filter-seller')).toBeNull();
    expect(api.calls('GET /crm/users')).toHaveLength(0);
  });

  it('pages forward with nextCursor and back, keeping the first page total', async () => {
    const first = Array.from({ length: 20 }, (_, index) => lead({ id: `a-${index}`, name: `Lead ${index}` }));
    const second = Array.from({ length: 20 }, (_, index) =>
      lead({ id: `b-${index}`, name: `Otro ${index}` }),
    );
    const { api, user, router } = renderLeads('/leads?status=nuevo', 'ceo', {
      'GET /crm/leads': (request: StubRequest) =>
        json(
          request.query.get('cursor') === 'c2'
            ? keysetPage(second, { page: null, total: null, nextCursor: 'c3' })
            : keysetPage(first, { total: 45, nextCursor: 'c2' }),
        ),
    });
    await screen.findByTestId('lead-row-a-0');
    expect(screen.getByTestId('leads-summary')).toHaveTextContent('Mostrando 1–20 de 45');
    expect(screen.getByTestId('leads-page-number')).toHaveTextContent('Página 1 de 3');
    expect(screen.getByTestId('leads-prev-page')).toBeDisabled();

    await user.click(screen.getByTestId('leads-next-page'));
    expect(await screen.findByTestId('lead-row-b-0')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?status=nuevo&cursor=c2');
    expect(lastQuery(api.calls('GET /crm/leads')).get('cursor')).toBe('c2');
    expect(screen.getByTestId('leads-summary')).toHaveTextContent('Mostrando 21–40 de 45');
    expect(screen.getByTestId('leads-page-number')).toHaveTextContent('Página 2 de 3');

    await user.click(screen.getByTestId('leads-prev-page'));
    expect(await screen.findByTestId('lead-row-a-0')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?status=nuevo');
  });

  it('goes back to the first page when a filter changes', async () => {
    const { router, user } = renderLeads('/leads?cursor=c9', 'ceo', {
      'GET /crm/leads': keysetPage([lead()], { page: null, total: null, nextCursor: null }),
    });
    await screen.findByTestId('leads-table');
    expect(screen.queryByTestId('leads-page-number')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Origen'), 'WHATSAPP');
    await waitFor(() => expect(router.state.location.search).toBe('?source=WHATSAPP'));
  });

  it('loads, fails with a retry, and clears filters when nothing matches', async () => {
    const { api, user, router } = renderLeads('/leads?tag=vip', 'setter', { 'GET /crm/leads': pending });
    expect(await screen.findByTestId('leads-filters')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Cargando…');
    api.use({ 'GET /crm/leads': () => apiError(500, 'INTERNAL') });
    router.navigate('/leads?tag=vip2');
    const alert = await screen.findByRole('alert');
    api.use({ 'GET /crm/leads': keysetPage([], { total: 0 }) });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByText('Ningún lead coincide')).toBeInTheDocument();
    await user.click(screen.getByTestId('leads-clear-filters'));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });
});

describe('LeadsPage lead editing', () => {
  const detail = leadDetail({ tags: ['vip'], notes: 'Llamar en la tarde' });
  const path = `/leads?lead=${detail.id}`;

  it('sends only the changed fields and shows the saved lead', async () => {
    const patches: StubRequest[] = [];
    const { user } = renderLeads(path, 'ceo', {
      'GET /crm/leads': keysetPage([lead()]),
      [`GET /crm/leads/${detail.id}`]: detail,
      [`PATCH /crm/leads/${detail.id}`]: (request: StubRequest) => {
        patches.push(request);
        return json({ ...lead(), ...(request.body as object) });
      },
    });
    const panel = await screen.findByTestId('lead-detail');
    expect(await within(panel).findByText('Llamar en la tarde')).toBeInTheDocument();
    await user.click(within(panel).getByTestId('lead-edit'));
    const form = within(panel).getByTestId('lead-edit-form');
    await user.selectOptions(within(form).getByLabelText('Estado'), 'contactado');
    await user.selectOptions(within(form).getByLabelText('Asignado a'), SELLERS[0]!.id);
    const tags = within(form).getByLabelText('Etiquetas (separadas por comas)');
    await user.clear(tags);
    await user.type(tags, 'vip, preventa, vip');
    await user.click(within(form).getByTestId('lead-edit-save'));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]!.body).toEqual({
      status: 'contactado',
      assignedUserId: SELLERS[0]!.id,
      tags: ['vip', 'preventa'],
    });
    await waitFor(() => expect(within(panel).queryByTestId('lead-edit-form')).toBeNull());
  });

  it('names the lead that already has the phone on a 409 and opens it', async () => {
    const { user, router } = renderLeads(path, 'setter', {
      'GET /crm/leads': keysetPage([lead()]),
      [`GET /crm/leads/${detail.id}`]: detail,
      'GET /crm/leads/22222222-2222-4222-8222-222222222222': leadDetail({
        id: '22222222-2222-4222-8222-222222222222',
        name: 'Mario Duplicado',
      }),
      [`PATCH /crm/leads/${detail.id}`]: () =>
        json(
          {
            statusCode: 409,
            code: 'CONFLICT',
            message:
              'phone +5215511112222 already belongs to lead "Mario Duplicado" (22222222-2222-4222-8222-222222222222)',
            details: {
              field: 'phone',
              leadId: '22222222-2222-4222-8222-222222222222',
              leadName: 'Mario Duplicado',
            },
          },
          409,
        ),
    });
    const panel = await screen.findByTestId('lead-detail');
    await user.click(await within(panel).findByTestId('lead-edit'));
    // A setter cannot list users: no seller picker.
    expect(within(panel).queryByLabelText('Asignado a')).toBeNull();
    const phone = within(panel).getByLabelText('Teléfono');
    await user.clear(phone);
    await user.type(phone, '55 1111 2222');
    await user.click(within(panel).getByTestId('lead-edit-save'));
    const error = await within(panel).findByTestId('lead-edit-error');
    expect(error).toHaveTextContent('Ese teléfono ya es del lead «Mario Duplicado».');
    expect(error.textContent).not.toMatch(/22222222-/);
    await user.click(within(error).getByRole('button', { name: 'Ver ese lead' }));
    await waitFor(() =>
      expect(router.state.location.search).toBe('?lead=22222222-2222-4222-8222-222222222222'),
    );
    expect(
      await within(screen.getByTestId('lead-detail')).findByRole('heading', { name: 'Mario Duplicado' }),
    );
  });
});
