import type { ProtectionSettingsView } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRoutes } from '../../test/fetch-stub';
import { PROTECTION_SETTINGS } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { ProtectionSection } from './protection-section';

const GET = 'GET /crm/marketing/automation/protection';
const PATCH = 'PATCH /crm/marketing/automation/protection';

function renderSection(routes: StubRoutes) {
  const api = stubFetch(routes);
  return { api, ...renderWithApp(<ProtectionSection timeZone="America/Mexico_City" />) };
}

describe('Settings: contact protection', () => {
  it('shows a placeholder while the settings load', () => {
    renderSection({ [GET]: () => pending() });
    const section = screen.getByTestId('protection-settings');
    expect(within(section).getByRole('status')).toHaveTextContent('Cargando');
    expect(within(section).queryByTestId('protection-form')).toBeNull();
  });

  it('shows an error with a retry, then the settings', async () => {
    const { api, user } = renderSection({ [GET]: () => apiError(503, 'UNAVAILABLE', 'automation down') });
    const section = await screen.findByTestId('protection-settings');
    expect(await within(section).findByTestId('error-state')).toBeInTheDocument();
    api.use({ [GET]: PROTECTION_SETTINGS });
    await user.click(within(section).getByRole('button', { name: 'Reintentar' }));
    expect(await within(section).findByTestId('protection-per-contact')).toHaveValue(1);
  });

  it('shows the cap and the standard hours in words, and saves an own overnight window', async () => {
    const { api, user } = renderSection({
      [GET]: PROTECTION_SETTINGS,
      [PATCH]: (request) =>
        json({ ...PROTECTION_SETTINGS, ...(request.body as object) } satisfies ProtectionSettingsView),
    });
    const perContact = await screen.findByLabelText('Máximo por contacto');
    expect(perContact).toHaveValue(1);
    expect(screen.getByLabelText('Cada (horas)')).toHaveValue(24);
    expect(screen.getByTestId('protection-cap-summary')).toHaveTextContent(
      'Cada contacto recibe como máximo 1 plantilla de marketing cada 24 h.',
    );
    expect(screen.getByTestId('protection-default-window')).toHaveTextContent(
      'Sin horario propio se usa el horario estándar: Lun, Mar, Mié, Jue, Vie, Sáb, de 09:00 a 20:00.',
    );
    expect(screen.getByText(/en la de la empresa \(America\/Mexico City\)/)).toBeInTheDocument();

    await user.clear(perContact);
    await user.type(perContact, '2');
    const hours = screen.getByLabelText('Cada (horas)');
    await user.clear(hours);
    await user.type(hours, '48');
    expect(screen.getByTestId('protection-cap-summary')).toHaveTextContent('como máximo 2 plantillas');
    await user.click(screen.getByLabelText('Usar un horario propio de la empresa'));
    expect(screen.queryByTestId('protection-default-window')).toBeNull();
    await user.click(screen.getByTestId('protection-window-day-1'));
    await user.click(screen.getByTestId('protection-window-day-0'));
    await user.clear(screen.getByTestId('protection-window-start'));
    await user.type(screen.getByTestId('protection-window-start'), '22:00');
    await user.clear(screen.getByTestId('protection-window-end'));
    await user.type(screen.getByTestId('protection-window-end'), '06:00');
    expect(screen.getByTestId('protection-window-note')).toHaveTextContent(
      'Termina al día siguiente: de 22:00 a 06:00 del otro día.',
    );
    await user.click(screen.getByRole('button', { name: 'Guardar' }));

    expect(await screen.findByText('Protección guardada.')).toBeInTheDocument();
    expect(api.calls(PATCH).map((request) => request.body)).toEqual([
      {
        marketingPerContact: 2,
        capHours: 48,
        sendWindow: { days: [0, 2, 3, 4, 5, 6], start: '22:00', end: '06:00' },
      },
    ]);
    expect(screen.getByLabelText('Usar un horario propio de la empresa')).toBeChecked();
  });

  it('goes back to the standard hours by sending no window', async () => {
    const own = { ...PROTECTION_SETTINGS, sendWindow: { days: [1, 2], start: '10:00', end: '14:00' } };
    const { api, user } = renderSection({
      [GET]: own,
      [PATCH]: () => json(PROTECTION_SETTINGS),
    });
    const toggle = await screen.findByLabelText('Usar un horario propio de la empresa');
    expect(toggle).toBeChecked();
    expect(screen.getByTestId('protection-window-start')).toHaveValue('10:00');
    await user.click(toggle);
    await user.click(screen.getByRole('button', { name: 'Guardar' }));
    expect(await screen.findByText('Protección guardada.')).toBeInTheDocument();
    expect(api.calls(PATCH)[0]!.body).toEqual({ marketingPerContact: 1, capHours: 24, sendWindow: null });
  });

  it('names what is wrong before sending, and shows the API’s message when it refuses', async () => {
    const { api, user } = renderSection({
      [GET]: PROTECTION_SETTINGS,
      [PATCH]: () => apiError(400, 'VALIDATION', 'a send window needs at least one day'),
    });
    const perContact = await screen.findByLabelText('Máximo por contacto');
    await user.clear(perContact);
    await user.type(perContact, '0');
    const hours = screen.getByLabelText('Cada (horas)');
    await user.clear(hours);
    await user.type(hours, '1000');
    await user.click(screen.getByLabelText('Usar un horario propio de la empresa'));
    for (const day of [1, 2, 3, 4, 5, 6])
      await user.click(screen.getByTestId(`protection-window-day-${day}`));
    await user.click(screen.getByRole('button', { name: 'Guardar' }));

    expect(screen.getByTestId('protection-error-perContact')).toHaveTextContent(
      'Escribe un número entero de 1 a 100.',
    );
    expect(screen.getByTestId('protection-error-capHours')).toHaveTextContent(
      'Escribe un número entero de horas, de 1 a 720.',
    );
    expect(screen.getByTestId('protection-error-windowDays')).toHaveTextContent('Elige al menos un día.');
    expect(perContact).toHaveAttribute('aria-invalid', 'true');
    expect(api.calls(PATCH)).toEqual([]);

    await user.clear(perContact);
    await user.type(perContact, '1');
    await user.clear(hours);
    await user.type(hours, '24');
    await user.click(screen.getByTestId('protection-window-day-3'));
    await user.click(screen.getByRole('button', { name: 'Guardar' }));
    expect(await screen.findByTestId('protection-error')).toHaveTextContent(
      'No se pudo guardar: a send window needs at least one day',
    );
    expect(api.calls(PATCH)).toHaveLength(1);
  });

  it('speaks English too, and says when messages go out at any hour', async () => {
    await act(() => i18next.changeLanguage('en'));
    renderSection({ [GET]: { ...PROTECTION_SETTINGS, marketingPerContact: 3, defaultSendWindow: null } });
    expect(screen.getByText('Contact protection')).toBeInTheDocument();
    expect(await screen.findByTestId('protection-cap-summary')).toHaveTextContent(
      'Each contact gets at most 3 marketing templates every 24 h.',
    );
    expect(screen.getByTestId('protection-default-window')).toHaveTextContent(
      'Without its own hours, messages go out at any hour.',
    );
  });
});
