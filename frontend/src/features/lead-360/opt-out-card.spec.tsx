import type { LeadTimelinePage } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { lead, leadDetail } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { Lead360Page } from './lead-360-page';

const LEAD_ID = '11111111-1111-4111-8111-111111111111';
const DETAIL = `GET /crm/leads/${LEAD_ID}`;
const PATCH = `PATCH /crm/leads/${LEAD_ID}`;
const TIMELINE = `GET /crm/leads/${LEAD_ID}/timeline`;

const optedOutTimeline: LeadTimelinePage = {
  items: [
    {
      id: 'a9',
      kind: 'opted_out',
      at: '2026-11-26T18:00:00.000Z',
      actorUserId: null,
      actorName: null,
      optOut: { source: 'keyword', text: 'BAJA' },
    },
    {
      id: 'a10',
      kind: 'opted_out',
      at: '2026-11-26T18:30:00.000Z',
      actorUserId: 'u1',
      actorName: 'Sergio Setter',
      optOut: { source: 'button', text: 'Detener promociones' },
    },
  ],
  nextCursor: null,
  unavailable: [],
};

function renderPage() {
  return renderWithApp(<Lead360Page />, {
    path: `/leads/${LEAD_ID}`,
    route: '/leads/:id',
    authenticated: true,
  });
}

describe('Lead 360: do not contact', () => {
  it('a seller opts the contact out after confirming; the page then shows it opted out', async () => {
    const patches: StubRequest[] = [];
    let optedOut = false;
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      [DETAIL]: () => json(leadDetail({ id: LEAD_ID, optedOut })),
      [TIMELINE]: { items: [], nextCursor: null, unavailable: [] },
      [PATCH]: (request) => {
        patches.push(request);
        optedOut = true;
        return json(lead({ id: LEAD_ID, optedOut: true }));
      },
    });
    const { user } = renderPage();
    const card = await screen.findByTestId('opt-out-card');
    expect(within(card).getByText('No recibirá plantillas de marketing automáticas.')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Marcar como no contactar' }));
    const dialog = await screen.findByTestId('opt-out-confirm');
    expect(dialog).toHaveTextContent('¿Marcar a');
    expect(patches).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Marcar como no contactar' }));
    expect(
      await within(card).findByRole('button', { name: 'Volver a aceptar marketing' }),
    ).toBeInTheDocument();
    expect(patches.map((p) => p.body)).toEqual([{ optedOut: true }]);
    expect(within(card).getByTestId('opt-out-state')).toHaveTextContent('No quiere recibir mensajes');
    expect(api.calls(DETAIL).length).toBeGreaterThanOrEqual(2);
  });

  it('opts back in only after confirming; cancelling sends nothing', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      [DETAIL]: leadDetail({ id: LEAD_ID, optedOut: true }),
      [TIMELINE]: optedOutTimeline,
      [PATCH]: lead({ id: LEAD_ID, optedOut: false }),
    });
    const { user } = renderPage();
    const card = await screen.findByTestId('opt-out-card');
    await user.click(within(card).getByRole('button', { name: 'Volver a aceptar marketing' }));
    await user.click(
      within(await screen.findByTestId('opt-out-confirm')).getByRole('button', { name: 'Cancelar' }),
    );
    expect(screen.queryByTestId('opt-out-confirm')).toBeNull();
    expect(api.calls(PATCH)).toHaveLength(0);
    await user.click(within(card).getByRole('button', { name: 'Volver a aceptar marketing' }));
    await user.click(
      within(await screen.findByTestId('opt-out-confirm')).getByRole('button', {
        name: 'Volver a aceptar marketing',
      }),
    );
    expect(api.calls(PATCH)[0]!.body).toEqual({ optedOut: false });
  });

  it('the history says how the contact opted out, in words', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      [DETAIL]: leadDetail({ id: LEAD_ID, optedOut: true }),
      [TIMELINE]: optedOutTimeline,
    });
    renderPage();
    expect(await screen.findByText('Pidió no recibir más mensajes: «BAJA»')).toBeInTheDocument();
    expect(screen.getByText('Tocó el botón para darse de baja: «Detener promociones»')).toBeInTheDocument();
  });
});
