import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SESSION_QUERY_KEY } from '../../api/query-client';
import { AppLayout } from '../../components/app-layout';
import { apiError, stubFetch } from '../../test/fetch-stub';
import { renderWithApp, sessionUser } from '../../test/render';

function renderLayout() {
  return renderWithApp(<AppLayout />, { path: '/leads', route: '/leads', authenticated: true });
}

describe('Log out of all devices (header)', () => {
  it('asks first; Cancel sends nothing', async () => {
    const fetch = stubFetch({ 'GET /crm/auth/me': sessionUser('setter') });
    const { user } = renderLayout();
    const button = await screen.findByRole('button', { name: 'Cerrar sesión en todos los dispositivos' });
    await user.click(button);
    const dialog = screen.getByRole('alertdialog', { name: '¿Cerrar sesión en todos los dispositivos?' });
    expect(dialog).toHaveTextContent('Tendrás que volver a iniciar sesión.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancelar' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fetch.calls('POST /crm/auth/logout-everywhere')).toHaveLength(0);
  });

  it('ends every session and goes to the login page once confirmed', async () => {
    const fetch = stubFetch({
      'GET /crm/auth/me': sessionUser('closer'),
      'POST /crm/auth/logout-everywhere': () => new Response(null, { status: 204 }),
    });
    const { user, router, client } = renderLayout();
    await user.click(await screen.findByTestId('logout-everywhere'));
    await user.click(screen.getByRole('button', { name: 'Cerrar todas' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(client.getQueryData(SESSION_QUERY_KEY)).toBeNull();
    expect(fetch.calls('POST /crm/auth/logout-everywhere')).toHaveLength(1);
  });

  it('says so and stays when it fails', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'POST /crm/auth/logout-everywhere': () => apiError(500, 'INTERNAL'),
    });
    const { user, router } = renderLayout();
    await user.click(await screen.findByTestId('logout-everywhere'));
    await user.click(screen.getByRole('button', { name: 'Cerrar todas' }));
    expect(
      await screen.findByText('No pudimos cerrar tus sesiones. Inténtalo de nuevo.'),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/leads');
  });
});
