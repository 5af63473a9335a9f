import { screen, waitFor, within } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { apiError, pending, stubFetch } from '../../test/fetch-stub';
import { lead, leadDetail, page } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { LeadsPage } from './leads-page';

function renderLeads(path = '/leads') {
  return renderWithApp(<LeadsPage />, { path, route: '/leads' });
}

describe('LeadsPage', () => {
  it('shows a loading placeholder until the first page arrives', async () => {
    stubFetch({ 'GET /crm/leads': pending });
    renderLeads();
    expect(await screen.findByRole('status')).toHaveTextContent('Cargando…');
    expect(screen.queryByTestId('leads-table')).toBeNull();
  });

  it('lists leads with words for codes and human dates, never raw values', async () => {
    stubFetch({
      'GET /crm/leads': page(
        [
          lead(),
          lead({
            id: 'lead-2',
            name: 'Pedro Páramo',
            status: 'cerrado_ganado',
            leadSource: 'WEBSITE',
            metaAdId: null,
          }),
        ],
        2000,
      ),
    });
    renderLeads();

    const row = await screen.findByTestId('lead-row-11111111-1111-4111-8111-111111111111');
    expect(within(row).getByRole('button', { name: 'Lucía Hernández' })).toBeInTheDocument();
    expect(within(row).getAllByText('Meta Ads').length).toBeGreaterThan(0);
    expect(within(row).getByText('Nuevo')).toBeInTheDocument();
    expect(within(row).getAllByText('26 nov 2026, 10:23').length).toBeGreaterThan(0);
    const other = screen.getByTestId('lead-row-lead-2');
    expect(within(other).getByText('Cerrado ganado')).toBeInTheDocument();
    expect(within(other).getAllByText('Sitio web').length).toBeGreaterThan(0);

    const table = screen.getByTestId('leads-table');
    expect(table.textContent).not.toMatch(/META_ADS|WEBSITE|cerrado_ganado|2026-11-26T/);
    expect(screen.getByText('Mostrando 1–2 de 2,000')).toBeInTheDocument();
    expect(screen.getByText('Página 1 de 100')).toBeInTheDocument();
  });

  it('says "more than 10,000" when the count stops at its cap, and still pages on', async () => {
    const capped = {
      items: [lead()],
      pageSize: 20,
      page: 1,
      total: 10_000,
      totalCapped: true,
      nextCursor: 'c2',
    };
    const api = stubFetch({ 'GET /crm/leads': capped });
    const { user } = renderLeads('/leads');
    expect(await screen.findByText('Mostrando 1–1 de más de 10,000')).toBeInTheDocument();
    expect(screen.getByText('Página 1 de más de 500')).toBeInTheDocument();
    await user.click(screen.getByTestId('leads-next-page'));
    await waitFor(() => expect(api.calls('GET /crm/leads').at(-1)!.query.get('cursor')).toBe('c2'));
  });

  it('sends the filters from the address bar and says when nothing matches', async () => {
    const api = stubFetch({ 'GET /crm/leads': page([], 0) });
    renderLeads('/leads?status=calificado&source=WHATSAPP');
    expect(await screen.findByText('Ningún lead coincide')).toBeInTheDocument();
    const query = api.calls('GET /crm/leads')[0]!.query;
    expect(query.get('status')).toBe('calificado');
    expect(query.get('source')).toBe('WHATSAPP');
    expect(screen.getByLabelText('Estado')).toHaveDisplayValue('Calificado');
  });

  it('invites to wait for leads when the tenant has none yet', async () => {
    stubFetch({ 'GET /crm/leads': page([], 0) });
    renderLeads();
    expect(await screen.findByText('Aún no hay leads')).toBeInTheDocument();
  });

  it('shows an error with a retry when the list fails', async () => {
    const api = stubFetch({ 'GET /crm/leads': () => apiError(503, 'META_UNAVAILABLE') });
    const { user } = renderLeads();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Algo salió mal');
    api.use({ 'GET /crm/leads': page([lead()]) });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByTestId('leads-table')).toBeInTheDocument();
  });

  it('opens the lead detail with amounts in pesos the Mexican way', async () => {
    stubFetch({
      'GET /crm/leads': page([lead()]),
      'GET /crm/leads/11111111-1111-4111-8111-111111111111': leadDetail(),
    });
    const { user } = renderLeads();
    await user.click(await screen.findByRole('button', { name: 'Lucía Hernández' }));

    const detail = await screen.findByTestId('lead-detail');
    expect(await within(detail).findByText('$118,422.56')).toBeInTheDocument();
    expect(within(detail).getByText('Departamento en Polanco')).toBeInTheDocument();
    expect(within(detail).getByText('Pendiente')).toBeInTheDocument();
    expect(within(detail).getByText('Carlos Closer')).toBeInTheDocument();
    expect(within(detail).getByText('Este lead no tiene ventas.')).toBeInTheDocument();
    expect(detail.textContent).not.toMatch(/MXN|2026-11-26T/);

    await user.click(within(detail).getByRole('button', { name: 'Cerrar detalle' }));
    expect(screen.queryByTestId('lead-detail')).toBeNull();
  });

  it('shows the detail loading, then "not found" for a lead that is gone', async () => {
    stubFetch({
      'GET /crm/leads': page([lead()]),
      'GET /crm/leads/gone': () => apiError(404, 'NOT_FOUND'),
    });
    renderLeads('/leads?lead=gone');
    const detail = await screen.findByTestId('lead-detail');
    expect(within(detail).getByRole('status')).toHaveTextContent('Cargando…');
    expect(await within(detail).findByRole('alert')).toHaveTextContent('No encontramos lo que buscabas.');
  });

  it('switches to US formats and English words in English', async () => {
    await i18next.changeLanguage('en');
    stubFetch({
      'GET /crm/leads': page([lead()]),
      'GET /crm/leads/11111111-1111-4111-8111-111111111111': leadDetail(),
    });
    renderLeads('/leads?lead=11111111-1111-4111-8111-111111111111');
    const detail = await screen.findByTestId('lead-detail');
    expect(await within(detail).findByText('MX$118,422.56')).toBeInTheDocument();
    expect(within(detail).getByText('Pending')).toBeInTheDocument();
    const row = screen.getByTestId('lead-row-11111111-1111-4111-8111-111111111111');
    expect(within(row).getAllByText(/^Nov 26, 2026, 10:23\sAM$/).length).toBeGreaterThan(0);
    expect(within(row).getByText('New')).toBeInTheDocument();
  });
});
