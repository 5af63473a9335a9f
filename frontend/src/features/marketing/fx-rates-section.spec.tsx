import type { FxRateView, Role } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, type StubRoutes } from '../../test/fetch-stub';
import { renderHubSection } from '../../test/render';
import { FxRatesSection } from './fx-rates-section';

const LIST = 'GET /crm/marketing/fx-rates';
const PUT = 'PUT /crm/marketing/fx-rates';
const IMPORT = 'POST /crm/marketing/fx-rates/import';
const CREATED_AT = '2026-01-05T16:00:00.000Z';

function rate(overrides: Partial<FxRateView> = {}): FxRateView {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    day: '2026-01-15',
    from: 'USD',
    to: 'MXN',
    rate: 17.25,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

const RATES: FxRateView[] = [
  rate(),
  rate({ id: '22222222-2222-4222-8222-222222222222', day: '2025-12-01', rate: 18.1234 }),
  rate({ id: '33333333-3333-4333-8333-333333333333', day: '2026-02-01', from: 'EUR', rate: 20.5 }),
];

/** Open by default: a sale of the report lacks a rate (the disclosure itself is tested on its own below). */
const renderSection = (routes: StubRoutes, role: Role = 'ceo', salesLackRates = true) =>
  renderHubSection(<FxRatesSection salesLackRates={salesLackRates} />, routes, role);

const rows = () => screen.getAllByTestId('fx-rate-row');

describe('Marketing Hub: exchange rates section', () => {
  it('lists the dated rates formatted for Mexico, with the explanation of how they are used', async () => {
    renderSection({ [LIST]: RATES });
    const section = await screen.findByTestId('fx-rates-section');
    expect(section).toHaveAttribute('id', 'fx-rates');
    expect(within(section).getByRole('heading', { level: 2 })).toHaveTextContent('Tipos de cambio');
    expect(screen.getByRole('button', { name: 'Tipos de cambio' })).toHaveAttribute('aria-expanded', 'true');
    expect(section).toHaveTextContent('con el tipo de cambio vigente el día de la venta');
    expect(section).toHaveTextContent('queda fuera de los ingresos, el ROAS y el ROI');

    await waitFor(() => expect(rows()).toHaveLength(3));
    const [first, second, third] = rows();
    expect(first).toHaveTextContent('USD a MXN');
    expect(first).toHaveTextContent('15 ene 2026');
    expect(first).toHaveTextContent('1 USD = 17.25 MXN');
    expect(second).toHaveTextContent('1 dic 2025');
    expect(second).toHaveTextContent('1 USD = 18.1234 MXN');
    expect(third).toHaveTextContent('EUR a MXN');
    expect(third).toHaveTextContent('1 EUR = 20.5 MXN');
    expect(screen.getAllByTestId('fx-rate-delete')).toHaveLength(3);
  });

  it('says so when there are no rates yet, open even when no sale lacks one', async () => {
    renderSection({ [LIST]: [] }, 'ceo', false);
    expect(await screen.findByText('Aún no hay tipos de cambio')).toBeVisible();
    expect(screen.getByTestId('fx-rates-toggle')).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('fx-rate-form')).toBeVisible();
  });

  it('starts closed when there are rates and no sale lacks one; its button opens and closes it', async () => {
    const { user } = renderSection({ [LIST]: RATES }, 'ceo', false);
    expect(await screen.findByTestId('fx-rates-summary')).toHaveTextContent('3 tipos de cambio registrados.');
    const toggle = screen.getByRole('button', { name: 'Tipos de cambio' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    const body = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(body).not.toBeVisible();
    expect(body).toContainElement(screen.getByTestId('fx-rates-table'));
    expect(screen.getByTestId('fx-rate-form')).not.toBeVisible();

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(body).toBeVisible();
    expect(rows()[0]).toBeVisible();
    expect(screen.queryByTestId('fx-rates-summary')).toBeNull();

    // The keyboard works it too (a real button).
    toggle.focus();
    await user.keyboard('{Enter}');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(body).not.toBeVisible();
  });

  it('a professional reads the rates but cannot change them', async () => {
    const { api } = renderSection({ [LIST]: RATES }, 'professional');
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.getByTestId('fx-rates-read-only')).toHaveTextContent('Solo el CEO');
    expect(screen.queryByTestId('fx-rate-delete')).toBeNull();
    expect(screen.queryByTestId('fx-rate-form')).toBeNull();
    expect(screen.queryByTestId('fx-rates-import')).toBeNull();
    expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('is hidden from a setter, who asks for nothing', async () => {
    const { api } = renderSection({}, 'setter');
    expect(await screen.findByText('Marketing Hub')).toBeInTheDocument();
    expect(screen.queryByTestId('fx-rates-section')).toBeNull();
    expect(api.calls(LIST)).toEqual([]);
  });

  it('adds a rate (a decimal comma accepted) and reads the list again', async () => {
    const saved = rate({ id: '44444444-4444-4444-8444-444444444444', day: '2026-03-01', rate: 16.9 });
    let list = RATES;
    const { api, user } = renderSection({
      [LIST]: () => json(list),
      [PUT]: () => {
        list = [saved, ...RATES];
        return json(saved);
      },
    });
    await waitFor(() => expect(rows()).toHaveLength(3));

    // Nothing is sent while the form is incomplete or names the same currency twice.
    await user.click(screen.getByTestId('fx-rate-save'));
    expect(screen.getByTestId('fx-rate-day-missing')).toHaveTextContent('Elige el día');
    await user.type(screen.getByTestId('fx-rate-day'), '2026-03-01');
    await user.selectOptions(screen.getByTestId('fx-rate-from'), 'MXN');
    await user.click(screen.getByTestId('fx-rate-save'));
    expect(screen.getByTestId('fx-rate-same')).toHaveTextContent('dos monedas distintas');
    await user.selectOptions(screen.getByTestId('fx-rate-from'), 'USD');
    await user.type(screen.getByLabelText('Cuántos MXN vale 1 USD'), 'diez');
    await user.click(screen.getByTestId('fx-rate-save'));
    expect(screen.getByTestId('fx-rate-rate-invalid')).toBeInTheDocument();
    expect(api.calls(PUT)).toEqual([]);

    await user.clear(screen.getByTestId('fx-rate-rate'));
    await user.type(screen.getByTestId('fx-rate-rate'), '16,9');
    await user.click(screen.getByTestId('fx-rate-save'));
    expect(await screen.findByText('Guardado: 1 USD = 16.9 MXN desde el 1 mar 2026.')).toBeInTheDocument();
    expect(api.calls(PUT).map((r) => r.body)).toEqual([
      { day: '2026-03-01', from: 'USD', to: 'MXN', rate: 16.9 },
    ]);
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(rows()[0]).toHaveTextContent('1 mar 2026');
  });

  it('shows the API’s 400 when the rate is refused', async () => {
    const { user } = renderSection({
      [LIST]: RATES,
      [PUT]: () => apiError(400, 'VALIDATION', 'rate must be at most 1000000000'),
    });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await user.type(screen.getByTestId('fx-rate-day'), '2026-03-01');
    await user.type(screen.getByTestId('fx-rate-rate'), '17');
    await user.click(screen.getByTestId('fx-rate-save'));
    expect(await screen.findByTestId('fx-rate-error')).toHaveTextContent(
      'No se pudo guardar: rate must be at most 1000000000',
    );
  });

  it('deletes a rate only after the confirmation, then reads the list again', async () => {
    let list = RATES;
    const deleted: string[] = [];
    const target = RATES[1]!;
    const { api, user } = renderSection({
      [LIST]: () => json(list),
      [`DELETE /crm/marketing/fx-rates/${target.id}`]: () => {
        deleted.push(target.id);
        list = RATES.filter((r) => r.id !== target.id);
        return json({ deleted: true });
      },
    });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await user.click(screen.getByRole('button', { name: 'Eliminar el tipo USD a MXN del 1 dic 2025' }));
    const dialog = screen.getByTestId('fx-rate-delete-dialog');
    expect(dialog).toHaveTextContent('1 USD = 18.1234 MXN, vigente desde el 1 dic 2025');

    await user.click(within(dialog).getByRole('button', { name: 'Cancelar' }));
    expect(screen.queryByTestId('fx-rate-delete-dialog')).toBeNull();
    expect(deleted).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Eliminar el tipo USD a MXN del 1 dic 2025' }));
    await user.click(screen.getByTestId('fx-rate-delete-confirm'));
    await waitFor(() => expect(screen.queryByTestId('fx-rate-delete-dialog')).toBeNull());
    expect(deleted).toEqual([target.id]);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.queryByText('1 dic 2025')).toBeNull();
    expect(api.calls(LIST).length).toBeGreaterThanOrEqual(2);
  });

  it('imports a CSV file: the 400 naming the bad line is shown, then a good file reports the counts', async () => {
    let answer = apiError(400, 'VALIDATION', 'line 3: rate must be greater than 0');
    const { api, user } = renderSection({ [LIST]: RATES, [IMPORT]: () => answer });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.getByTestId('fx-rates-import-submit')).toBeDisabled();

    const file = new File(['day,from,to,rate\n2026-03-04,EUR,MXN,20\n2026-03-05,EUR,MXN,-1\n'], 'tipos.csv', {
      type: 'text/csv',
    });
    await user.upload(screen.getByLabelText('Archivo CSV'), file);
    await user.click(screen.getByTestId('fx-rates-import-submit'));
    const problem = await screen.findByTestId('fx-rates-import-error');
    expect(problem).toHaveAttribute('role', 'alert');
    expect(problem).toHaveTextContent('No se importó nada: line 3: rate must be greater than 0');
    expect(api.calls(IMPORT)).toHaveLength(1);
    const init = (fetch as unknown as { mock: { calls: [string, RequestInit][] } }).mock.calls.find(([url]) =>
      String(url).endsWith('/fx-rates/import'),
    )![1];
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('text/csv');
    expect(init.body).toBe(file);

    answer = json({ imported: 2, updated: 1 });
    await user.click(screen.getByTestId('fx-rates-import-submit'));
    expect(await screen.findByTestId('fx-rates-import-done')).toHaveTextContent(
      'Listo: 2 tipos nuevos y 1 reemplazados.',
    );
    expect(screen.queryByTestId('fx-rates-import-error')).toBeNull();
  });
});
