import type { TenantView, UserView } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { apiError, json, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { PROTECTION_SETTINGS } from '../../test/fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { SettingsPage } from './settings-page';

const TENANT: TenantView = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Inmobiliaria Sol',
  timezone: 'America/Mexico_City',
  currency: 'MXN',
  locale: 'es-MX',
};
const ME = sessionUser('ceo');
const SERGIO: UserView = {
  id: '00000000-0000-4000-8000-0000000000b1',
  name: 'Sergio Setter',
  email: 'sergio@sol.mx',
  role: 'setter',
  active: true,
  createdAt: '2026-11-26T16:23:00.000Z',
  phone: '+5215512345678',
};
const CARLA: UserView = {
  ...SERGIO,
  id: '00000000-0000-4000-8000-0000000000b2',
  name: 'Carla Closer',
  phone: null,
};
const USERS: UserView[] = [SERGIO, CARLA];

const E164 = 'phone must be in E.164 format, e.g. +5215512345678';

function renderSettings() {
  return renderWithApp(<SettingsPage />, { path: '/settings', authenticated: true });
}

describe("Settings: a user's phone (the seller's phone of WhatsApp templates)", () => {
  it('shows each user’s phone or that there is none', async () => {
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/users': USERS,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
    });
    renderSettings();
    expect(await screen.findByTestId(`user-phone-${SERGIO.id}`)).toHaveTextContent('+5215512345678');
    expect(screen.getByTestId(`user-phone-${CARLA.id}`)).toHaveTextContent('Sin teléfono');
  });

  it('changes a phone, shows the API’s 400 under the field, and removes it when left blank', async () => {
    const patches: StubRequest[] = [];
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/users': USERS,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      [`PATCH /crm/users/${SERGIO.id}`]: (request) => {
        patches.push(request);
        const { phone } = request.body as { phone: string | null };
        if (phone === 'llámame') return apiError(400, 'VALIDATION', E164);
        return json({ ...SERGIO, phone: phone === null ? null : '+34612345678' });
      },
    });
    const { user: clicker } = renderSettings();
    const row = await screen.findByTestId(`user-row-${SERGIO.id}`);
    await clicker.click(within(row).getByRole('button', { name: 'Cambiar el teléfono de Sergio Setter' }));
    const input = within(row).getByRole('textbox', { name: 'Teléfono de Sergio Setter' });
    expect(input).toHaveValue('+5215512345678');

    await clicker.clear(input);
    await clicker.type(input, 'llámame');
    await clicker.click(within(row).getByRole('button', { name: 'Guardar' }));
    expect(await within(row).findByRole('alert')).toHaveTextContent(`No se pudo guardar: ${E164}`);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(patches.at(-1)!.body).toEqual({ phone: 'llámame' });

    await clicker.clear(input);
    await clicker.type(input, ' +34 612 345 678 ');
    await clicker.click(within(row).getByRole('button', { name: 'Guardar' }));
    expect(await within(row).findByText('Teléfono guardado.')).toBeInTheDocument();
    expect(patches.at(-1)!.body).toEqual({ phone: '+34 612 345 678' });
    expect(within(row).getByTestId(`user-phone-${SERGIO.id}`)).toHaveTextContent('+34612345678');
    expect(within(row).queryByRole('textbox')).toBeNull();

    await clicker.click(within(row).getByRole('button', { name: 'Cambiar el teléfono de Sergio Setter' }));
    await clicker.clear(within(row).getByRole('textbox', { name: 'Teléfono de Sergio Setter' }));
    await clicker.click(within(row).getByRole('button', { name: 'Guardar' }));
    await waitFor(() => expect(patches.at(-1)!.body).toEqual({ phone: null }));
    expect(await within(row).findByText('Sin teléfono')).toBeInTheDocument();
    expect(patches).toHaveLength(3);
  });

  it('cancelling sends nothing and keeps the phone', async () => {
    const patches: StubRequest[] = [];
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/users': USERS,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      [`PATCH /crm/users/${SERGIO.id}`]: (request) => {
        patches.push(request);
        return json(SERGIO);
      },
    });
    const { user: clicker } = renderSettings();
    const row = await screen.findByTestId(`user-row-${SERGIO.id}`);
    await clicker.click(within(row).getByRole('button', { name: 'Cambiar el teléfono de Sergio Setter' }));
    await clicker.type(within(row).getByRole('textbox'), '999');
    await clicker.click(within(row).getByRole('button', { name: 'Cancelar' }));
    expect(within(row).getByTestId(`user-phone-${SERGIO.id}`)).toHaveTextContent('+5215512345678');
    expect(patches).toHaveLength(0);
  });

  it('adds a user with a phone as typed (the API stores it in E.164), in English too', async () => {
    await i18next.changeLanguage('en');
    const posts: StubRequest[] = [];
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/users': USERS,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'POST /crm/users': (request) => {
        posts.push(request);
        return posts.length === 1
          ? apiError(400, 'VALIDATION', E164)
          : json({ ...SERGIO, id: 'new', name: 'Nora Nueva', phone: '+5216641234567' }, 201);
      },
    });
    const { user: clicker } = renderSettings();
    await clicker.click(await screen.findByTestId('add-user'));
    const form = screen.getByTestId('add-user-form');
    expect(within(form).getByText(/WhatsApp templates use it as the seller's phone/)).toBeInTheDocument();
    await clicker.type(within(form).getByLabelText('Name'), 'Nora Nueva');
    await clicker.type(within(form).getByLabelText('Email'), 'nora@sol.mx');
    await clicker.type(within(form).getByLabelText('Initial password'), 'cierre-2026-sol');
    await clicker.type(within(form).getByLabelText('Phone (optional)'), '664 123');
    await clicker.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await within(form).findByTestId('add-user-error')).toHaveTextContent(E164);
    expect(posts[0]!.body).toMatchObject({ email: 'nora@sol.mx', phone: '664 123' });

    const phone = within(form).getByLabelText('Phone (optional)');
    await clicker.clear(phone);
    await clicker.type(phone, '+52 664 123 4567');
    await clicker.click(within(form).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(screen.queryByTestId('add-user-form')).toBeNull());
    expect(posts[1]!.body).toEqual({
      name: 'Nora Nueva',
      email: 'nora@sol.mx',
      role: 'setter',
      password: 'cierre-2026-sol',
      phone: '+52 664 123 4567',
    });
  });

  it('leaves the phone out of a new user when it is blank', async () => {
    const posts: StubRequest[] = [];
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/users': USERS,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'POST /crm/users': (request) => {
        posts.push(request);
        return json({ ...CARLA, id: 'new' }, 201);
      },
    });
    const { user: clicker } = renderSettings();
    await clicker.click(await screen.findByTestId('add-user'));
    await clicker.type(screen.getByTestId('new-user-name'), 'Sin Teléfono');
    await clicker.type(screen.getByTestId('new-user-email'), 'sin@sol.mx');
    await clicker.type(screen.getByTestId('new-user-password'), 'cierre-2026-sol');
    await clicker.type(screen.getByTestId('new-user-phone'), '   ');
    await clicker.click(screen.getByTestId('new-user-submit'));
    await waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]!.body).not.toHaveProperty('phone');
  });
});
