import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { stubFetch } from '../test/fetch-stub';
import { renderWithApp, sessionUser } from '../test/render';
import { AppLayout } from './app-layout';

describe('AppLayout navigation', () => {
  it('shows Settings, with its icon, to the ceo', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('ceo') });
    renderWithApp(<AppLayout />, { path: '/settings', route: '/settings', authenticated: true });
    const link = await screen.findByTestId('nav-settings');
    expect(link).toHaveTextContent('Configuración');
    expect(link).toHaveAttribute('href', '/settings');
    expect(link.querySelector('svg')).not.toBeNull();
  });

  it.each(['professional', 'setter', 'closer'] as const)('hides Settings from a %s', async (role) => {
    stubFetch({ 'GET /crm/auth/me': sessionUser(role) });
    renderWithApp(<AppLayout />, { path: '/', route: '/', authenticated: true });
    expect(await screen.findByTestId('nav-leads')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-settings')).toBeNull();
  });
});
