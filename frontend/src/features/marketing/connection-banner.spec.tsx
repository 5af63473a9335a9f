import { screen, waitFor, within } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { apiError, stubFetch } from '../../test/fetch-stub';
import { META_CONNECTED, META_DISCONNECTED } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { ConnectionBanner } from './connection-banner';
import { marketingKeys } from './marketing-api';

const DISCONNECT = 'POST /crm/auth/meta/disconnect';

describe('ConnectionBanner: disconnect', () => {
  it('asks first, listing what stops, and Cancel disconnects nothing', async () => {
    const api = stubFetch({ [DISCONNECT]: META_DISCONNECTED });
    const { user } = renderWithApp(<ConnectionBanner status={META_CONNECTED} />);

    await user.click(screen.getByRole('button', { name: 'Desconectar' }));
    const dialog = screen.getByRole('alertdialog', { name: '¿Desconectar Meta?' });
    const stops = within(within(dialog).getByTestId('meta-disconnect-stops')).getAllByRole('listitem');
    expect(stops.map((item) => item.textContent)).toEqual([
      'Reportes: el gasto en Meta, el costo por lead y el ROI de campañas y anuncios.',
      'WhatsApp: los envíos automáticos de plantillas (HSM) y las respuestas desde Chats.',
      'Lead Ads: los leads nuevos de tus formularios de Meta dejan de entrar al CRM.',
      'Conversiones: dejamos de avisar a Meta de los leads calificados y las ventas.',
    ]);
    expect(dialog).toHaveTextContent('se guardan por un tiempo limitado');
    expect(within(dialog).getByRole('button', { name: 'Cancelar' })).toHaveFocus();

    await user.click(within(dialog).getByRole('button', { name: 'Cancelar' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(api.calls(DISCONNECT)).toHaveLength(0);

    // Escape closes it too.
    await user.click(screen.getByRole('button', { name: 'Desconectar' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(api.calls(DISCONNECT)).toHaveLength(0);
  });

  it('disconnects once confirmed and the connection reads disconnected', async () => {
    const api = stubFetch({ [DISCONNECT]: META_DISCONNECTED });
    const { user, client } = renderWithApp(<ConnectionBanner status={META_CONNECTED} />);

    await user.click(screen.getByRole('button', { name: 'Desconectar' }));
    await user.click(screen.getByRole('button', { name: 'Sí, desconectar' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(api.calls(DISCONNECT)).toHaveLength(1);
    expect(client.getQueryData(marketingKeys.tokenStatus)).toMatchObject({ state: 'disconnected' });
  });

  it('shows why a refused disconnect failed, and the dialog closes', async () => {
    stubFetch({ [DISCONNECT]: () => apiError(503, 'UPSTREAM_TIMEOUT', 'meta-ads-service did not answer') });
    const { user } = renderWithApp(<ConnectionBanner status={META_CONNECTED} />);

    await user.click(screen.getByRole('button', { name: 'Desconectar' }));
    await user.click(screen.getByRole('button', { name: 'Sí, desconectar' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(await screen.findByTestId('meta-error')).toBeInTheDocument();
  });

  it('speaks English too', async () => {
    await i18next.changeLanguage('en');
    stubFetch({});
    const { user } = renderWithApp(<ConnectionBanner status={META_CONNECTED} />);
    await user.click(await screen.findByRole('button', { name: 'Disconnect' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Disconnect Meta?' });
    expect(dialog).toHaveTextContent('Lead Ads: new leads from your Meta forms stop coming into the CRM.');
    expect(within(dialog).getByRole('button', { name: 'Yes, disconnect' })).toBeEnabled();
  });
});
