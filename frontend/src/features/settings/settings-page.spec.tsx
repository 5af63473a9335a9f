import type { TenantView, UserView } from '@crm/contracts/browser';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRequest } from '../../test/fetch-stub';
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

function user(overrides: Partial<UserView> = {}): UserView {
  return {
    id: '00000000-0000-4000-8000-0000000000b1',
    name: 'Sergio Setter',
    email: 'sergio@sol.mx',
    role: 'setter',
    active: true,
    createdAt: '2026-11-26T16:23:00.000Z',
    phone: null,
    ...overrides,
  };
}

const USERS = [
  user({ id: ME.userId, name: ME.name, email: ME.email, role: 'ceo' }),
  user(),
  user({ id: '00000000-0000-4000-8000-0000000000b2', name: 'Carla Closer', role: 'closer', active: false }),
];

function renderSettings() {
  return renderWithApp(<SettingsPage />, { path: '/settings', authenticated: true });
}

describe('SettingsPage', () => {
  it('shows placeholders while the company and the users load', async () => {
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': pending,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': pending,
    });
    renderSettings();
    expect(await screen.findByRole('heading', { name: 'Configuración' })).toBeInTheDocument();
    expect(screen.getAllByRole('status')).toHaveLength(2);
    expect(screen.getAllByRole('status')[0]).toHaveTextContent('Cargando…');
    expect(screen.queryByTestId('company-form')).toBeNull();
    expect(screen.queryByTestId('users-table')).toBeNull();
  });

  it('shows an error with a retry, then the data', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': () => apiError(500, 'INTERNAL'),
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': () => apiError(500, 'INTERNAL'),
    });
    const { user: clicker } = renderSettings();
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    const alerts = screen.getAllByRole('alert');
    expect(alerts[0]).toHaveTextContent('No pudimos cargar la información.');
    api.use({ 'GET /crm/tenant': TENANT, 'GET /crm/users': USERS });
    for (const alert of alerts)
      await clicker.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByTestId('company-form')).toBeInTheDocument();
    expect(await screen.findByTestId('users-table')).toBeInTheDocument();
  });

  it('says when there are no users', async () => {
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': [],
    });
    renderSettings();
    expect(await screen.findByText('Aún no hay usuarios')).toBeInTheDocument();
  });

  it('shows the company with an IANA timezone list, the supported currencies and the regional formats', async () => {
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': USERS,
    });
    renderSettings();
    expect(await screen.findByTestId('company-name')).toHaveValue('Inmobiliaria Sol');
    const zone = screen.getByLabelText<HTMLSelectElement>('Zona horaria');
    expect(zone).toHaveValue('America/Mexico_City');
    expect(within(zone).getByRole('option', { name: 'America/Mexico City' })).toBeInTheDocument();
    expect(within(zone).getByRole('option', { name: 'Europe/Madrid' })).toBeInTheDocument();
    const currency = screen.getByLabelText<HTMLSelectElement>('Moneda');
    expect(currency).toHaveValue('MXN');
    expect(within(currency).getByRole('option', { name: /^COP · peso colombiano$/i })).toBeInTheDocument();
    const locale = screen.getByLabelText<HTMLSelectElement>('Formato regional');
    expect([...locale.options].map((option) => option.value)).toEqual(['es-MX', 'en-US']);
    expect(within(locale).getByRole('option', { name: 'Español (México) · $1,234.56' })).toBeInTheDocument();
    expect(
      within(locale).getByRole('option', { name: 'Inglés (Estados Unidos) · MX$1,234.56' }),
    ).toBeInTheDocument();
  });

  it('saves the company settings and shows the API 4xx message', async () => {
    const patches: StubRequest[] = [];
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': USERS,
      'PATCH /crm/tenant': (request) => {
        patches.push(request);
        return patches.length === 1
          ? json({ ...TENANT, name: 'Sol Bienes Raíces', timezone: 'America/Bogota', currency: 'COP' })
          : apiError(400, 'VALIDATION', 'timezone must be an IANA timezone such as America/Mexico_City');
      },
    });
    const { user: clicker } = renderSettings();
    const name = await screen.findByTestId('company-name');
    await clicker.clear(name);
    await clicker.type(name, 'Sol Bienes Raíces');
    // ~400 zones: a direct change keeps the test fast in jsdom.
    fireEvent.change(screen.getByLabelText('Zona horaria'), { target: { value: 'America/Bogota' } });
    await clicker.selectOptions(screen.getByLabelText('Moneda'), 'COP');
    await clicker.click(screen.getByTestId('company-save'));
    expect(await screen.findByText('Cambios guardados.')).toBeInTheDocument();
    expect(patches[0]!.body).toEqual({
      name: 'Sol Bienes Raíces',
      timezone: 'America/Bogota',
      currency: 'COP',
      locale: 'es-MX',
    });
    await clicker.click(screen.getByTestId('company-save'));
    expect(await screen.findByTestId('company-error')).toHaveTextContent(
      'No se pudo guardar: timezone must be an IANA timezone such as America/Mexico_City',
    );
  });

  it('lists users with role and state, in English too', async () => {
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': USERS,
    });
    renderSettings();
    const row = await screen.findByTestId('user-row-00000000-0000-4000-8000-0000000000b2');
    expect(within(row).getAllByText('Carla Closer')).not.toHaveLength(0);
    expect(within(row).getByRole('combobox', { name: 'Rol de Carla Closer' })).toHaveValue('closer');
    expect(within(row).getAllByText('Desactivado').length).toBeGreaterThan(0);
    expect(within(row).getByRole('button', { name: 'Reactivar' })).toBeInTheDocument();
    const mine = screen.getByTestId(`user-row-${ME.userId}`);
    expect(within(mine).getByText('(tú)')).toBeInTheDocument();
  });

  it('adds a user, checking the strong-password rule first and saying when the email is taken', async () => {
    const posts: StubRequest[] = [];
    const api = stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': USERS,
      'POST /crm/users': (request) => {
        posts.push(request);
        return posts.length === 1
          ? apiError(
              409,
              'CONFLICT',
              'user 00000000-0000-4000-8000-0000000000b9 already has the email nuevo@sol.mx',
            )
          : json(user({ id: 'new', name: 'Nora Nueva', email: 'nora@sol.mx' }), 201);
      },
    });
    const { user: clicker } = renderSettings();
    await clicker.click(await screen.findByTestId('add-user'));
    await clicker.type(screen.getByTestId('new-user-name'), 'Nora Nueva');
    await clicker.type(screen.getByTestId('new-user-email'), 'nuevo@sol.mx');
    await clicker.selectOptions(screen.getByTestId('new-user-role'), 'closer');
    await clicker.type(screen.getByTestId('new-user-password'), 'corta1');
    await clicker.click(screen.getByTestId('new-user-submit'));
    expect(screen.getByTestId('add-user-error')).toHaveTextContent('La contraseña es débil');
    expect(posts).toHaveLength(0);

    await clicker.clear(screen.getByTestId('new-user-password'));
    await clicker.type(screen.getByTestId('new-user-password'), 'cierre-2026-sol');
    await clicker.click(screen.getByTestId('new-user-submit'));
    const taken = await screen.findByTestId('add-user-error');
    expect(taken).toHaveTextContent('El correo nuevo@sol.mx ya es de otro usuario.');
    expect(taken.textContent).not.toMatch(/00000000-/);
    expect(posts[0]!.body).toEqual({
      name: 'Nora Nueva',
      email: 'nuevo@sol.mx',
      role: 'closer',
      password: 'cierre-2026-sol',
    });

    api.use({ 'GET /crm/users': [...USERS, user({ id: 'new', name: 'Nora Nueva', email: 'nora@sol.mx' })] });
    const email = screen.getByTestId('new-user-email');
    await clicker.clear(email);
    await clicker.type(email, 'nora@sol.mx');
    await clicker.click(screen.getByTestId('new-user-submit'));
    expect(await screen.findByTestId('user-row-new')).toBeInTheDocument();
    expect(screen.queryByTestId('add-user-form')).toBeNull();
  });

  it('changes a role and deactivates a user after confirming', async () => {
    const patches: StubRequest[] = [];
    const sergio = user();
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': USERS,
      [`PATCH /crm/users/${sergio.id}`]: (request) => {
        patches.push(request);
        return json({ ...sergio, ...(request.body as object) });
      },
    });
    const { user: clicker } = renderSettings();
    const row = await screen.findByTestId(`user-row-${sergio.id}`);
    await clicker.selectOptions(within(row).getByRole('combobox'), 'closer');
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]!.body).toEqual({ role: 'closer' });

    await clicker.click(within(row).getByRole('button', { name: 'Desactivar' }));
    const dialog = screen.getByTestId('confirm-toggle-user');
    expect(dialog).toHaveTextContent('¿Desactivar a Sergio Setter?');
    await clicker.click(within(dialog).getByRole('button', { name: 'Cancelar' }));
    expect(screen.queryByTestId('confirm-toggle-user')).toBeNull();
    expect(patches).toHaveLength(1);

    await clicker.click(within(row).getByRole('button', { name: 'Desactivar' }));
    await clicker.click(screen.getByTestId('confirm-toggle-user-confirm'));
    await waitFor(() => expect(patches).toHaveLength(2));
    expect(patches[1]!.body).toEqual({ active: false });
    expect(await within(row).findByRole('button', { name: 'Reactivar' })).toBeInTheDocument();
  });

  it("shows the API's message when a change is refused", async () => {
    stubFetch({
      'GET /crm/auth/me': ME,
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': USERS,
      [`PATCH /crm/users/${ME.userId}`]: () =>
        apiError(409, 'CONFLICT', 'you cannot deactivate or demote yourself'),
    });
    const { user: clicker } = renderSettings();
    const row = await screen.findByTestId(`user-row-${ME.userId}`);
    await clicker.selectOptions(within(row).getByRole('combobox'), 'setter');
    expect(await screen.findByTestId('user-update-error')).toHaveTextContent(
      'No se pudo guardar: you cannot deactivate or demote yourself',
    );
  });
});
