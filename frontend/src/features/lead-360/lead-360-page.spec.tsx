import type { LeadTimelinePage, TimelineEntry } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch } from '../../test/fetch-stub';
import { lead, leadDetail, page } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { LeadsPage } from '../leads/leads-page';
import { Lead360Page } from './lead-360-page';

const LEAD_ID = '11111111-1111-4111-8111-111111111111';
const DETAIL = `GET /crm/leads/${LEAD_ID}`;
const TIMELINE = `GET /crm/leads/${LEAD_ID}/timeline`;

const base = { actorUserId: null, actorName: null };
const entries: TimelineEntry[] = [
  {
    ...base,
    id: 'hsm:1',
    kind: 'hsm_sent',
    at: '2026-11-26T18:00:00.000Z',
    hsm: { sendId: '1', templateName: 'seguimiento_lead', status: 'read', error: null },
  },
  {
    ...base,
    id: 'a3',
    kind: 'sale_completed',
    at: '2026-11-26T17:30:00.000Z',
    actorName: 'Carlos Closer',
    sale: { id: 's1', amount: 118422.56, currency: 'MXN' },
  },
  {
    ...base,
    id: 'a2',
    kind: 'status_changed',
    at: '2026-11-26T17:00:00.000Z',
    actorName: 'Carlos Closer',
    from: 'nuevo',
    to: 'contactado',
  },
  {
    ...base,
    id: 'a1',
    kind: 'assigned',
    at: '2026-11-26T16:23:00.000Z',
    reason: 'round_robin',
    toUserId: 'u1',
    toName: 'Sergio Setter',
  },
];

const timeline = (items: TimelineEntry[], nextCursor: string | null = null): LeadTimelinePage => ({
  items,
  nextCursor,
  unavailable: [],
});

function renderPage() {
  return renderWithApp(<Lead360Page />, {
    path: `/leads/${LEAD_ID}`,
    route: '/leads/:id',
    authenticated: true,
  });
}

describe('Lead360Page', () => {
  it('shows a placeholder while the lead loads', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo'), [DETAIL]: pending });
    renderPage();
    expect(await screen.findByRole('status')).toHaveTextContent('Cargando…');
    expect(screen.queryByTestId('lead-360-header')).toBeNull();
  });

  it('says the lead is not there (another tenant’s, or not assigned to a setter)', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('setter'), [DETAIL]: () => apiError(404, 'NOT_FOUND') });
    renderPage();
    expect(await screen.findByText('Este lead no existe o no está asignado a ti.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Volver a leads' })).toHaveAttribute('href', '/leads');
  });

  it('shows an error with a retry, then the lead', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      [DETAIL]: () => apiError(500, 'INTERNAL'),
      [TIMELINE]: timeline([]),
    });
    const { user } = renderPage();
    const alert = await screen.findByRole('alert');
    api.use({ [DETAIL]: leadDetail() });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByRole('heading', { name: 'Lucía Hernández' })).toBeInTheDocument();
  });

  it('says there is no activity yet when the timeline is empty', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      [DETAIL]: leadDetail({ metaAdId: null }),
      [TIMELINE]: timeline([]),
    });
    renderPage();
    expect(await screen.findByText('Todavía no hay actividad registrada.')).toBeInTheDocument();
    expect(screen.queryByTestId('ad-context-card')).toBeNull();
  });

  it('shows the header, the timeline in words with tenant dates, and loads older entries', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      [DETAIL]: leadDetail({ tags: ['vip'], status: 'contactado' }),
      [TIMELINE]: (request) =>
        json(
          request.query.get('cursor') === 'next'
            ? timeline([{ ...base, id: 'a0', kind: 'created', at: '2026-11-26T16:23:00.000Z', origin: null }])
            : timeline(entries, 'next'),
        ),
    });
    const { user } = renderPage();
    const header = await screen.findByTestId('lead-360-header');
    expect(within(header).getByText('+5215512345678')).toBeInTheDocument();
    expect(within(header).getByText('lucia@example.mx')).toBeInTheDocument();
    expect(within(header).getByText('Vendedor: Carlos Closer')).toBeInTheDocument();
    expect(within(header).getByText('vip')).toBeInTheDocument();

    const hsm = await screen.findByTestId('timeline-hsm_sent');
    expect(hsm).toHaveTextContent('Plantilla «seguimiento_lead» enviada por WhatsApp');
    expect(hsm).toHaveTextContent('Leído');
    expect(hsm).toHaveTextContent('26 nov 2026, 12:00 · automatización');
    expect(screen.getByTestId('timeline-sale_completed')).toHaveTextContent(
      'Venta completada por $118,422.56',
    );
    expect(screen.getByTestId('timeline-status_changed')).toHaveTextContent('Estado: Nuevo → Contactado');
    expect(screen.getByTestId('timeline-status_changed')).toHaveTextContent('por Carlos Closer');
    expect(screen.getByTestId('timeline-assigned')).toHaveTextContent(
      'Asignado a Sergio Setter por reparto automático',
    );
    expect(document.body.textContent).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

    await user.click(screen.getByRole('button', { name: 'Ver más' }));
    expect(await screen.findByTestId('timeline-created')).toHaveTextContent('Lead creado');
    expect(api.calls(TIMELINE).map((r) => r.query.get('cursor'))).toEqual([null, 'next']);
    expect(screen.queryByRole('button', { name: 'Ver más' })).toBeNull();
  });

  it('changes the status through PATCH /crm/leads/:id', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      [DETAIL]: leadDetail(),
      [TIMELINE]: timeline([]),
      [`PATCH /crm/leads/${LEAD_ID}`]: lead({ status: 'calificado' }),
    });
    const { user } = renderPage();
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Cambiar estado' }), 'calificado');
    expect(api.calls(`PATCH /crm/leads/${LEAD_ID}`)[0]!.body).toEqual({ status: 'calificado' });
  });
});

describe('Leads list: campaign and ad by name, and a link to the lead 360', () => {
  it('names the campaign and ad, says when Meta does not know the ad, and links each row', async () => {
    stubFetch({
      'GET /crm/users': [],
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/leads': page([
        lead({
          adNames: {
            adId: '120210000000000001',
            adName: 'Roma · video',
            adsetId: '120210000000000002',
            adsetName: 'CDMX',
            campaignId: '120210000000000003',
            campaignName: 'Deptos Roma',
          },
        }),
        lead({
          id: 'lead-2',
          name: 'Pedro Ruiz',
          adNames: {
            adId: '1',
            adName: null,
            adsetId: null,
            adsetName: null,
            campaignId: null,
            campaignName: null,
          },
        }),
      ]),
    });
    renderWithApp(<LeadsPage />, { path: '/leads', authenticated: true });
    const row = await screen.findByTestId(`lead-row-${LEAD_ID}`);
    expect(within(row).getAllByText('Deptos Roma').length).toBeGreaterThan(0);
    expect(within(row).getByText('Roma · video')).toBeInTheDocument();
    expect(within(row).queryByText('120210000000000001')).toBeNull();
    expect(within(row).getByRole('link', { name: 'Abrir ficha de Lucía Hernández' })).toHaveAttribute(
      'href',
      `/leads/${LEAD_ID}`,
    );
    expect(
      within(screen.getByTestId('lead-row-lead-2')).getByText('Anuncio no disponible en Meta'),
    ).toBeInTheDocument();
  });

  it('the lead panel names the ad instead of its ids and opens the full record', async () => {
    const names = {
      adId: '120210000000000001',
      adName: 'Roma · video',
      adsetId: '120210000000000002',
      adsetName: 'CDMX',
      campaignId: '120210000000000003',
      campaignName: 'Deptos Roma',
    };
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/leads': page([lead({ adNames: names })]),
      [DETAIL]: leadDetail({ adNames: names }),
      'GET /crm/users': [],
    });
    renderWithApp(<LeadsPage />, { path: `/leads?lead=${LEAD_ID}`, route: '/leads', authenticated: true });
    const detail = await screen.findByTestId('lead-detail');
    expect(await within(detail).findByText('Deptos Roma')).toBeInTheDocument();
    expect(detail.textContent).not.toContain('120210000000000001');
    expect(within(detail).getByRole('link', { name: 'Ver ficha completa' })).toHaveAttribute(
      'href',
      `/leads/${LEAD_ID}`,
    );
  });
});
