import type { ActiveSession } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SESSION_QUERY_KEY } from '../../api/query-client';
import { AppLayout } from '../../components/app-layout';
import i18n from 'i18next';
import { apiError, stubFetch } from '../../test/fetch-stub';
import { renderWithApp, sessionUser } from '../../test/render';
import { ActiveSessionsPage } from './active-sessions-page';
import { describeUserAgent } from './device';

const HERE: ActiveSession = {
  id: '00000000-0000-4000-8000-0000000000f1',
  createdAt: '2026-11-20T15:04:00Z',
  lastSeenAt: '2026-11-27T16:30:00Z',
  expiresAt: '2026-11-28T03:04:00Z',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
  current: true,
};
const PHONE: ActiveSession = {
  id: '00000000-0000-4000-8000-0000000000f2',
  createdAt: '2026-11-25T01:00:00Z',
  lastSeenAt: null,
  expiresAt: '2026-11-25T13:00:00Z',
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36',
  current: false,
};

function renderPage() {
  return renderWithApp(<ActiveSessionsPage />, { path: '/sessions', authenticated: true });
}

describe('Active sessions page', () => {
  it('lists each session with its device, dates in the tenant format, and marks this one', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('closer'), 'GET /crm/auth/sessions': [HERE, PHONE] });
    renderPage();
    expect(await screen.findByRole('heading', { name: 'Sesiones activas' })).toBeInTheDocument();
    const here = await screen.findByTestId(`session-${HERE.id}`);
    expect(here).toHaveTextContent('Chrome en macOS');
    expect(here).toHaveTextContent('Esta sesión');
    // es-MX in Mexico City (UTC-6): 15:04 UTC is 09:04.
    expect(here).toHaveTextContent(/Iniciada: 20 nov 2026.*9:04/);
    expect(here).toHaveTextContent(/Último uso: 27 nov 2026.*10:30/);
    const phone = screen.getByTestId(`session-${PHONE.id}`);
    expect(phone).toHaveTextContent('Chrome en Android');
    expect(phone).toHaveTextContent('Aún sin uso desde que se inició');
    expect(phone).not.toHaveTextContent('Esta sesión');
    // "Log out everywhere" is on the page, with its words (not only the icon of the header).
    expect(screen.getByRole('button', { name: 'Cerrar sesión en todos los dispositivos' })).toBeVisible();
  });

  it('ends another session and reads the list again; stays here', async () => {
    const fetch = stubFetch({
      'GET /crm/auth/me': sessionUser('closer'),
      'GET /crm/auth/sessions': [HERE, PHONE],
      [`DELETE /crm/auth/sessions/${PHONE.id}`]: () => new Response(null, { status: 204 }),
    });
    const { user, router } = renderPage();
    const phone = await screen.findByTestId(`session-${PHONE.id}`);
    fetch.use({ 'GET /crm/auth/sessions': [HERE] });
    await user.click(within(phone).getByRole('button', { name: 'Cerrar esta sesión (Chrome en Android)' }));
    await waitFor(() => expect(screen.queryByTestId(`session-${PHONE.id}`)).toBeNull());
    expect(fetch.calls(`DELETE /crm/auth/sessions/${PHONE.id}`)).toHaveLength(1);
    expect(fetch.calls('GET /crm/auth/sessions')).toHaveLength(2);
    expect(router.state.location.pathname).toBe('/sessions');
  });

  it('ending this session signs out here and goes to the login page', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/auth/sessions': [HERE, PHONE],
      [`DELETE /crm/auth/sessions/${HERE.id}`]: () => new Response(null, { status: 204 }),
    });
    const { user, router, client } = renderPage();
    const here = await screen.findByTestId(`session-${HERE.id}`);
    await user.click(within(here).getByRole('button', { name: /^Cerrar esta sesión/ }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(client.getQueryData(SESSION_QUERY_KEY)).toBeNull();
  });

  it('says so when a session cannot be ended, and keeps it listed', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/auth/sessions': [HERE, PHONE],
      [`DELETE /crm/auth/sessions/${PHONE.id}`]: () => apiError(404, 'NOT_FOUND', 'session not found'),
    });
    const { user } = renderPage();
    const phone = await screen.findByTestId(`session-${PHONE.id}`);
    await user.click(within(phone).getByRole('button', { name: /^Cerrar esta sesión/ }));
    expect(await screen.findByTestId('session-end-error')).toHaveTextContent(
      'No pudimos cerrar esa sesión. Inténtalo de nuevo.',
    );
    expect(screen.getByTestId(`session-${PHONE.id}`)).toBeInTheDocument();
  });

  it('speaks English too', async () => {
    await i18n.changeLanguage('en');
    try {
      stubFetch({ 'GET /crm/auth/me': sessionUser('closer'), 'GET /crm/auth/sessions': [HERE] });
      renderPage();
      const here = await screen.findByTestId(`session-${HERE.id}`);
      expect(here).toHaveTextContent('Chrome on macOS');
      expect(here).toHaveTextContent('This session');
      expect(within(here).getByRole('button', { name: 'End this session (Chrome on macOS)' })).toBeVisible();
    } finally {
      await i18n.changeLanguage('es');
    }
  });
});

describe('describeUserAgent', () => {
  it.each([
    [HERE.userAgent, 'Chrome', 'macOS'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari',
      'iOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0',
      'Edge',
      'Windows',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0', 'Firefox', 'Linux'],
    ['supertest', null, null],
  ])('%s → %s on %s', (userAgent, browser, os) => {
    expect(describeUserAgent(userAgent)).toEqual({ browser, os });
  });
});

describe('header at 390 px', () => {
  it('"log out everywhere" is an icon button with its full name, its text shown only from lg up; the header wraps', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('closer') });
    renderWithApp(<AppLayout />, { path: '/leads', route: '/leads', authenticated: true });
    const button = await screen.findByTestId('logout-everywhere');
    expect(button).toHaveAccessibleName('Cerrar sesión en todos los dispositivos');
    expect(button.querySelector('svg')).not.toBeNull();
    const text = within(button).getByText('Cerrar sesión en todos los dispositivos');
    expect(text).toHaveClass('hidden', 'lg:inline');
    // Every row of the header may wrap, and nothing in it clips: no fixed widths, no overflow hidden.
    const header = button.closest('header')!;
    expect(header).toHaveClass('flex-wrap');
    expect(button.parentElement).toHaveClass('flex-wrap');
    expect(header.querySelectorAll('[class*="overflow-hidden"], [class*="w-["]')).toHaveLength(0);
    // The user's name opens their active sessions.
    expect(screen.getByTestId('my-sessions')).toHaveAttribute('href', '/sessions');
  });
});
