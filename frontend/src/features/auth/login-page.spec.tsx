import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch } from '../../test/fetch-stub';
import { renderWithApp, sessionUser } from '../../test/render';
import { LoginPage } from './login-page';

function renderLogin() {
  return renderWithApp(<LoginPage />, { path: '/login' });
}

async function fillAndSubmit(user: ReturnType<typeof renderLogin>['user']) {
  await user.type(await screen.findByLabelText('Correo electrónico'), 'ceo@demo.crmventas.test');
  await user.type(screen.getByLabelText('Contraseña'), 'demo1234');
  await user.click(screen.getByRole('button', { name: 'Iniciar sesión' }));
}

describe('LoginPage', () => {
  it('posts the trimmed credentials and shows "Entrando…" while waiting', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': () => apiError(401, 'UNAUTHORIZED'),
      'POST /crm/auth/login': pending,
    });
    const { user } = renderLogin();
    await user.type(await screen.findByLabelText('Correo electrónico'), '  ceo@demo.crmventas.test ');
    await user.type(screen.getByLabelText('Contraseña'), 'demo1234');
    await user.click(screen.getByRole('button', { name: 'Iniciar sesión' }));

    expect(await screen.findByRole('button', { name: 'Entrando…' })).toBeDisabled();
    expect(api.calls('POST /crm/auth/login')[0]?.body).toEqual({
      email: 'ceo@demo.crmventas.test',
      password: 'demo1234',
    });
  });

  it('says the credentials are wrong on a 401', async () => {
    stubFetch({
      'GET /crm/auth/me': () => apiError(401, 'UNAUTHORIZED'),
      'POST /crm/auth/login': () => apiError(401, 'UNAUTHORIZED', 'invalid credentials'),
    });
    const { user } = renderLogin();
    await fillAndSubmit(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('Correo o contraseña incorrectos.');
  });

  it('tells how long to wait when rate-limited', async () => {
    stubFetch({
      'GET /crm/auth/me': () => apiError(401, 'UNAUTHORIZED'),
      'POST /crm/auth/login': () =>
        json(
          {
            statusCode: 429,
            code: 'TOO_MANY_REQUESTS',
            message: 'slow down',
            details: { retryAfterSeconds: 42 },
          },
          429,
        ),
    });
    const { user } = renderLogin();
    await fillAndSubmit(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Demasiados intentos. Espera 42 segundos antes de volver a intentarlo.',
    );
  });

  it("says the account limit's long wait in minutes, not seconds", async () => {
    stubFetch({
      'GET /crm/auth/me': () => apiError(401, 'UNAUTHORIZED'),
      'POST /crm/auth/login': () =>
        json(
          {
            statusCode: 429,
            code: 'TOO_MANY_REQUESTS',
            message: 'slow down',
            details: { retryAfterSeconds: 900 },
          },
          429,
        ),
    });
    const { user } = renderLogin();
    await fillAndSubmit(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Demasiados intentos. Espera 15 minutos antes de volver a intentarlo.',
    );
  });

  it('says the server cannot be reached when the network fails', async () => {
    stubFetch({
      'GET /crm/auth/me': () => apiError(401, 'UNAUTHORIZED'),
      'POST /crm/auth/login': () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const { user } = renderLogin();
    await fillAndSubmit(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('No hay conexión con el servidor.');
  });

  it('leaves the login page once signed in', async () => {
    stubFetch({
      'GET /crm/auth/me': () => apiError(401, 'UNAUTHORIZED'),
      'POST /crm/auth/login': () => json(sessionUser()),
    });
    const { user, router } = renderLogin();
    await fillAndSubmit(user);
    await screen.findByText('home');
    expect(router.state.location.pathname).toBe('/');
  });
});
