import { screen, waitFor, within } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '@crm/contracts/browser';
import { apiError, pending, stubFetch } from '../../test/fetch-stub';
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

describe('ConnectionBanner: expiry and permissions ahead of time', () => {
  const endingIn = (days: number, overrides: Partial<ConnectionStatus> = {}): ConnectionStatus => ({
    ...META_CONNECTED,
    expiresAt: '2026-12-03T18:00:00.000Z',
    dataAccessExpiresAt: '2027-02-20T18:00:00.000Z',
    daysLeft: days,
    ...overrides,
  });

  it('warns 14 days ahead, with the date and a reconnect button that starts the Meta consent', async () => {
    const api = stubFetch({ 'GET /crm/auth/meta/url': pending });
    const { user } = renderWithApp(<ConnectionBanner status={endingIn(5)} />);
    const warning = screen.getByTestId('meta-expiry-warning');
    expect(warning).toHaveAttribute('data-days-left', '5');
    expect(warning).toHaveTextContent(/^Tu conexión con Meta vence en 5 días \(.*2026.*\)\./);
    await user.click(within(warning).getByRole('button', { name: 'Reconectar Meta' }));
    expect(api.calls('GET /crm/auth/meta/url')).toHaveLength(1);
  });

  it('takes the end of data access when it comes first, says "1 día" and "hoy"', () => {
    stubFetch({});
    const { unmount } = renderWithApp(
      <ConnectionBanner
        status={endingIn(1, { expiresAt: null, dataAccessExpiresAt: '2026-11-27T18:00:00.000Z' })}
      />,
    );
    expect(screen.getByTestId('meta-expiry-warning')).toHaveTextContent(/vence en 1 día \(.*2026.*\)/);
    unmount();
    renderWithApp(<ConnectionBanner status={endingIn(0)} />);
    expect(screen.getByTestId('meta-expiry-warning')).toHaveTextContent('Tu conexión con Meta vence hoy');
  });

  it('says nothing while more than 14 days are left, or when Meta gave no date', () => {
    stubFetch({});
    const { unmount } = renderWithApp(<ConnectionBanner status={endingIn(15)} />);
    expect(screen.queryByTestId('meta-expiry-warning')).not.toBeInTheDocument();
    unmount();
    renderWithApp(<ConnectionBanner status={META_CONNECTED} />);
    expect(screen.queryByTestId('meta-expiry-warning')).not.toBeInTheDocument();
  });

  it('names the missing permissions in words, with a reconnect button', async () => {
    const api = stubFetch({ 'GET /crm/auth/meta/url': pending });
    const { user } = renderWithApp(
      <ConnectionBanner
        status={{
          ...META_CONNECTED,
          missingScopes: ['leads_retrieval', 'whatsapp_business_messaging', 'x_new'],
        }}
      />,
    );
    const missing = screen.getByTestId('meta-missing-scopes');
    expect(missing).toHaveTextContent('Faltan 3 permisos de Meta');
    expect(
      within(missing)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Recibir los leads de tus formularios de Meta (Lead Ads)',
      'Enviar y recibir mensajes de WhatsApp',
      'x_new',
    ]);
    await user.click(within(missing).getByRole('button', { name: 'Reconectar Meta' }));
    expect(api.calls('GET /crm/auth/meta/url')).toHaveLength(1);
  });

  it('in English', async () => {
    await i18next.changeLanguage('en');
    stubFetch({});
    renderWithApp(<ConnectionBanner status={endingIn(3, { missingScopes: ['ads_read'] })} />);
    expect(await screen.findByTestId('meta-expiry-warning')).toHaveTextContent(
      /^Your Meta connection ends in 3 days \(.*2026.*\)\./,
    );
    expect(screen.getByTestId('meta-missing-scopes')).toHaveTextContent(
      '1 Meta permission is missing; reconnect and accept it so this works:Read your ads’ spend and performance',
    );
  });
});

describe('ConnectionBanner: last Meta error', () => {
  it("says Meta's last error in the user's language, keeping Meta's own text for support", () => {
    stubFetch({});
    const status: ConnectionStatus = {
      ...META_CONNECTED,
      lastError: {
        code: 'META_PERMISSION',
        message: 'Meta refused for lack of permission: (#200) Requires pages_show_list permission',
        at: '2026-11-26T18:36:00.000Z',
      },
    };
    renderWithApp(<ConnectionBanner status={status} />);

    const line = screen.getByTestId('meta-last-error');
    expect(line).toHaveTextContent(i18next.t('marketing.errors.permission'));
    expect(line).not.toHaveTextContent('Requires pages_show_list');
    expect(line).toHaveAttribute('title', expect.stringContaining('Requires pages_show_list'));
  });
});
