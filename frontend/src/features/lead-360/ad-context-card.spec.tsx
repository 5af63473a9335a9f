import type { AdContext, LeadDetail, LeadOrigin } from '@crm/contracts/browser';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { stubFetch } from '../../test/fetch-stub';
import { leadDetail } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { AdContextCard } from './ad-context-card';

const known: AdContext = {
  adId: '120210000000000001',
  known: true,
  adName: 'Roma · video',
  adsetId: '120210000000000002',
  adsetName: 'CDMX 25-45',
  campaignId: '120210000000000003',
  campaignName: 'Deptos Roma',
  effectiveStatus: 'ACTIVE',
  thumbnailUrl: 'https://scontent.xx.fbcdn.net/v/thumb.jpg',
  imageUrl: null,
  title: 'Deptos en la Roma',
  body: 'Desde $1.5M, entrega inmediata',
};

const ctwa: LeadOrigin = {
  channel: 'whatsapp_ad',
  at: '2026-11-12T16:32:00.000Z',
  adId: '120210000000000001',
  headline: 'Deptos en la Roma',
  body: null,
  sourceUrl: 'https://fb.me/x',
  message: 'Hola, me interesa',
  formId: null,
  formName: null,
};

function renderCard(detail: LeadDetail, role: 'ceo' | 'setter' = 'ceo') {
  stubFetch({ 'GET /crm/auth/me': sessionUser(role) });
  return renderWithApp(<AdContextCard lead={detail} />, { path: '/card', authenticated: true });
}

describe('AdContextCard', () => {
  it('shows the creative, the names, how and when a CTWA lead came, and links to the Marketing Hub', async () => {
    renderCard(leadDetail({ adContext: known, origin: ctwa }));
    expect(await screen.findByText('Deptos en la Roma')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Imagen del anuncio Roma · video' })).toHaveAttribute(
      'src',
      known.thumbnailUrl,
    );
    expect(screen.getByText('Roma · video')).toBeInTheDocument();
    expect(screen.getByText('CDMX 25-45')).toBeInTheDocument();
    expect(screen.getByText('Deptos Roma')).toBeInTheDocument();
    expect(screen.getByTestId('ad-context-how')).toHaveTextContent(
      'Llegó por WhatsApp desde el anuncio «Roma · video» el 12 nov 2026, 10:32',
    );
    expect(screen.getByText('Mensaje: “Hola, me interesa”')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Ver en Marketing Hub/ })).toHaveAttribute('href', '/marketing');
    expect(screen.queryByText(/120210000000000001/)).toBeNull();
  });

  it('names the Lead Ads form and hides the Marketing Hub link from a setter', async () => {
    renderCard(
      leadDetail({
        adContext: known,
        origin: {
          ...ctwa,
          channel: 'lead_form',
          message: null,
          headline: null,
          formId: '9',
          formName: 'Cotización',
        },
      }),
      'setter',
    );
    expect(await screen.findByTestId('ad-context-how')).toHaveTextContent(
      'Llegó por el formulario de Lead Ads «Cotización» el 12 nov 2026, 10:32',
    );
    expect(screen.queryByRole('link', { name: /Marketing Hub/ })).toBeNull();
  });

  it('says the ad is not available on Meta, never showing its id', async () => {
    renderCard(leadDetail({ adContext: { adId: '120210000000000001', known: false }, origin: null }));
    expect(await screen.findByTestId('ad-context-unknown')).toHaveTextContent(
      'Anuncio no disponible en Meta',
    );
    expect(screen.queryByText(/120210000000000001/)).toBeNull();
  });

  it('says the catalogue could not be read and still tells how the lead came', async () => {
    renderCard(leadDetail({ adContext: null, origin: ctwa }));
    expect(await screen.findByTestId('ad-context-unavailable')).toHaveTextContent(
      'No pudimos cargar el anuncio desde el catálogo de Meta.',
    );
    expect(screen.getByTestId('ad-context-how')).toHaveTextContent('«Deptos en la Roma»');
  });

  it('renders nothing for a lead that did not come from an ad', async () => {
    const { container } = renderCard(leadDetail({ metaAdId: null, adContext: null }));
    // Signed in (the guard rendered its child), and the child drew nothing.
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
    expect(container).toBeEmptyDOMElement();
  });
});
