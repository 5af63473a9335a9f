import type { Role, SessionUser } from '@crm/contracts/browser';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { createMemoryRouter, Outlet, RouterProvider } from 'react-router';
import { createQueryClient } from '../api/query-client';
import { RequireAuth } from '../features/auth/guards';
import { stubFetch, type StubRoutes } from './fetch-stub';

export function sessionUser(role: Role = 'ceo'): SessionUser {
  return {
    userId: '00000000-0000-4000-8000-0000000000a1',
    tenantId: '00000000-0000-4000-8000-000000000001',
    tenantName: 'Inmobiliaria Sol',
    tenantLocale: 'es-MX',
    tenantTimezone: 'America/Mexico_City',
    tenantCurrency: 'MXN',
    email: `${role}@demo.crmventas.test`,
    name: 'Ana Torres',
    role,
  };
}

/** The app's own query client (session expiry on 401 included), without retries so errors show at once. */
export function testQueryClient(): QueryClient {
  const client = createQueryClient();
  const defaults = client.getDefaultOptions();
  client.setDefaultOptions({ ...defaults, queries: { ...defaults.queries, retry: false } });
  return client;
}

type RenderOptions = {
  /** Where the router starts, e.g. `/leads?status=nuevo`. */
  path?: string;
  /** Route pattern the element is mounted at (default: the path without its query). */
  route?: string;
  /** Mount below `RequireAuth` (then `GET /crm/auth/me` must be stubbed). */
  authenticated?: boolean;
  client?: QueryClient;
};

/** Stand-ins for where a page may send the user, so a navigation is visible in the test. */
const PLACEHOLDERS = [
  { path: '/', element: <p>home</p> },
  { path: '/login', element: <p>login page</p> },
];

/** Renders a page as the app does: real query client, real router, real i18n (set up in `setup.ts`). */
export function renderWithApp(element: ReactNode, options: RenderOptions = {}) {
  const path = options.path ?? '/';
  const route = options.route ?? path.split('?')[0]!;
  const client = options.client ?? testQueryClient();
  const children = [
    { path: route, element },
    ...PLACEHOLDERS.filter((placeholder) => placeholder.path !== route),
  ];
  const router = createMemoryRouter(
    [{ element: options.authenticated ? <RequireAuth /> : <Outlet />, children }],
    { initialEntries: [path] },
  );
  const user = userEvent.setup();
  const result = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, user, client, router };
}

/**
 * A Marketing Hub section as `role` sees it: signed in (`GET /crm/auth/me` stubbed, then `routes`), below a
 * "Marketing Hub" line that shows the page has rendered even when the section is hidden from the role.
 */
export function renderHubSection(section: ReactNode, routes: StubRoutes, role: Role = 'ceo') {
  const api = stubFetch({ 'GET /crm/auth/me': sessionUser(role), ...routes });
  return {
    api,
    ...renderWithApp(
      <>
        <p>Marketing Hub</p>
        {section}
      </>,
      { authenticated: true },
    ),
  };
}
