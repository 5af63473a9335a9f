import type { TenantView } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
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
  optOutKeywords: ['STOP', 'BAJA', 'CANCELAR'],
  optOutButtonTexts: ['Stop promotions', 'Detener promociones'],
};

function renderSettings() {
  return renderWithApp(<SettingsPage />, { path: '/settings', authenticated: true });
}

describe('Settings: message opt-outs', () => {
  it('shows the tenant’s keywords and buttons, one per line, and saves the edited lists', async () => {
    const patches: StubRequest[] = [];
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': [],
      'PATCH /crm/tenant': (request) => {
        patches.push(request);
        return json({ ...TENANT, optOutKeywords: ['STOP', 'ALTO'], optOutButtonTexts: ['Stop promotions'] });
      },
    });
    const { user } = renderSettings();
    const section = await screen.findByTestId('opt-out-settings');
    const keywords = within(section).getByLabelText('Palabras clave (una por línea)');
    expect(keywords).toHaveValue('STOP\nBAJA\nCANCELAR');
    expect(within(section).getByLabelText('Botones de respuesta rápida (uno por línea)')).toHaveValue(
      'Stop promotions\nDetener promociones',
    );

    await user.clear(keywords);
    await user.type(keywords, 'STOP{enter}  {enter} alto ');
    const buttons = within(section).getByLabelText('Botones de respuesta rápida (uno por línea)');
    await user.clear(buttons);
    await user.type(buttons, 'Stop promotions');
    await user.click(within(section).getByRole('button', { name: 'Guardar' }));
    expect(await within(section).findByText('Bajas guardadas.')).toBeInTheDocument();
    expect(patches.map((p) => p.body)).toEqual([
      { optOutKeywords: ['STOP', 'alto'], optOutButtonTexts: ['Stop promotions'] },
    ]);
    expect(keywords).toHaveValue('STOP\nALTO');
  });

  it('warns when there are no keywords, refuses phrases that are too long, and shows the API’s problem', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/tenant': TENANT,
      'GET /crm/marketing/automation/protection': PROTECTION_SETTINGS,
      'GET /crm/users': [],
      'PATCH /crm/tenant': () => apiError(400, 'VALIDATION', 'each value in optOutKeywords must be shorter'),
    });
    const { user } = renderSettings();
    const section = await screen.findByTestId('opt-out-settings');
    const keywords = within(section).getByLabelText('Palabras clave (una por línea)');
    await user.clear(keywords);
    expect(within(section).getByTestId('opt-out-no-keywords')).toHaveTextContent(
      'Sin palabras clave, nadie podrá darse de baja escribiendo.',
    );
    await user.type(keywords, 'x'.repeat(41));
    expect(within(section).getByTestId('opt-out-invalid')).toHaveTextContent('de hasta 40 caracteres');
    expect(within(section).getByRole('button', { name: 'Guardar' })).toBeDisabled();
    await user.clear(keywords);
    await user.type(keywords, 'BAJA');
    await user.click(within(section).getByRole('button', { name: 'Guardar' }));
    expect(await within(section).findByTestId('opt-out-error')).toHaveTextContent(
      'each value in optOutKeywords must be shorter',
    );
  });
});
