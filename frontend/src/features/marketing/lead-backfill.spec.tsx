import type { LeadgenBackfillView } from '@crm/contracts/browser';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubFetch, type StubRoutes } from '../../test/fetch-stub';
import { META_CONNECTED } from '../../test/fixtures';
import { backfill, FORM_ID, leadForm } from '../../test/lead-ads-fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { toBackfillRequest } from './backfill-range';
import { BACKFILL_POLL_MS, BACKFILL_WAITING_POLL_MS, backfillPollMs } from './lead-ads-api';
import { LeadFormsSection } from './lead-forms-section';

const BACKFILLS = '/crm/marketing/lead-ads/backfills';
const GET_BACKFILLS = `GET ${BACKFILLS}`;
const POST_BACKFILL = `POST ${BACKFILLS}`;

function renderSection(routes: StubRoutes) {
  const api = stubFetch({
    'GET /crm/auth/me': sessionUser('ceo'),
    'GET /crm/marketing/lead-ads/forms': [leadForm()],
    ...routes,
  });
  return { api, ...renderWithApp(<LeadFormsSection status={META_CONNECTED} />, { authenticated: true }) };
}

/** Fills the backfill form: the Querétaro form, 1–3 Nov 2026 (days of the tenant's zone, Mexico City). */
async function fillForm(since = '2026-11-01', until = '2026-11-03') {
  const form = await screen.findByTestId('lead-backfill-form');
  fireEvent.change(within(form).getByLabelText('Formulario'), { target: { value: FORM_ID } });
  fireEvent.change(within(form).getByLabelText('Desde'), { target: { value: since } });
  fireEvent.change(within(form).getByLabelText('Hasta (incluido)'), { target: { value: until } });
  return form;
}

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('Lead Ads: backfills', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      shouldAdvanceTime: true,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts one for a form and a range; it shows at once and its progress is polled until it is done', async () => {
    let jobs: LeadgenBackfillView[] = [];
    const { api, user } = renderSection({
      [GET_BACKFILLS]: () => json(jobs),
      [POST_BACKFILL]: () => {
        jobs = [backfill({ state: 'queued' })];
        return json(jobs[0], 201);
      },
    });
    expect(await screen.findByText('Aún no hay recuperaciones.')).toBeInTheDocument();
    const form = await fillForm();
    expect(
      within(form).getByRole('option', { name: 'Cotización casas Querétaro · Inmobiliaria Sol' }),
    ).toBeTruthy();
    await user.click(within(form).getByRole('button', { name: 'Iniciar recuperación' }));

    expect(await within(form).findByText(/Recuperación iniciada/)).toBeInTheDocument();
    // The whole last day, in the tenant's zone (UTC−6): [1 Nov 00:00, 4 Nov 00:00).
    expect(api.calls(POST_BACKFILL).map((request) => request.body)).toEqual([
      { formId: FORM_ID, since: '2026-11-01T06:00:00.000Z', until: '2026-11-04T06:00:00.000Z' },
    ]);
    const row = await screen.findByTestId('lead-backfill-row');
    expect(within(row).getByTestId('lead-backfill-state')).toHaveTextContent('En cola');
    expect(row).toHaveTextContent('Cotización casas Querétaro');
    expect(row).toHaveTextContent('Inmobiliaria Sol · Manual');
    expect(row).toHaveTextContent('1 nov 2026, 00:00 – 4 nov 2026, 00:00');

    jobs = [backfill({ state: 'running', leadsFound: 120, leadsPublished: 3, pagesRead: 2 })];
    await advance(BACKFILL_POLL_MS);
    await vi.waitFor(() =>
      expect(screen.getByTestId('lead-backfill-progress')).toHaveTextContent('120 leads leídos'),
    );
    expect(screen.getByTestId('lead-backfill-state')).toHaveTextContent('En curso');
    expect(screen.getByTestId('lead-backfill-progress')).toHaveTextContent('3 nuevos');
    expect(screen.getByTestId('lead-backfill-progress')).toHaveTextContent('117 ya recibidos');

    jobs = [
      backfill({
        state: 'done',
        leadsFound: 1250,
        leadsPublished: 5,
        pagesRead: 13,
        finishedAt: '2026-11-26T16:40:00.000Z',
      }),
    ];
    await advance(BACKFILL_POLL_MS);
    await vi.waitFor(() =>
      expect(screen.getByTestId('lead-backfill-progress')).toHaveTextContent('1,250 leads leídos'),
    );
    expect(screen.getByTestId('lead-backfill-state')).toHaveTextContent('Terminada');
    expect(screen.getByTestId('lead-backfill-row')).toHaveTextContent('26 nov 2026, 10:40');

    // Nothing runs any more: the list is not read again.
    const reads = api.calls(GET_BACKFILLS).length;
    await advance(BACKFILL_POLL_MS * 5);
    expect(api.calls(GET_BACKFILLS)).toHaveLength(reads);
  });

  it('shows the server message when it refuses (409 already running, 400 range)', async () => {
    const { api, user } = renderSection({
      [GET_BACKFILLS]: [backfill({ state: 'running' })],
      [POST_BACKFILL]: () =>
        apiError(409, 'CONFLICT', 'a backfill of this form is already running; wait for it to end'),
    });
    const form = await fillForm();
    await user.click(within(form).getByRole('button', { name: 'Iniciar recuperación' }));
    expect(await within(form).findByTestId('lead-backfill-error')).toHaveTextContent(
      'No se pudo iniciar: a backfill of this form is already running; wait for it to end',
    );

    api.use({ [POST_BACKFILL]: () => apiError(400, 'VALIDATION', 'since must be before until') });
    await user.click(within(form).getByRole('button', { name: 'Iniciar recuperación' }));
    expect(await within(form).findByTestId('lead-backfill-error')).toHaveTextContent(
      'No se pudo iniciar: since must be before until',
    );
    expect(api.calls(POST_BACKFILL)).toHaveLength(2);
  });

  it('a range that ends before it starts, or no form, is named before asking the API', async () => {
    const { api, user } = renderSection({ [GET_BACKFILLS]: [] });
    const form = await screen.findByTestId('lead-backfill-form');
    await user.click(within(form).getByRole('button', { name: 'Iniciar recuperación' }));
    expect(within(form).getByText('Elige el formulario.')).toBeInTheDocument();

    await fillForm('2026-11-05', '2026-11-03');
    await user.click(within(form).getByRole('button', { name: 'Iniciar recuperación' }));
    expect(within(form).getByTestId('lead-backfill-range-error')).toHaveTextContent(
      'La fecha inicial debe ser anterior o igual a la final.',
    );
    expect(api.calls(POST_BACKFILL)).toEqual([]);
  });

  it('a job waiting for Meta shows Meta message and is re-read slowly', async () => {
    const { api } = renderSection({
      [GET_BACKFILLS]: [
        backfill({
          state: 'waiting',
          reason: 'page_chosen',
          lastError: { code: 'META_RATE_LIMITED', message: 'Meta rate limit (80005)' },
        }),
      ],
    });
    const row = await screen.findByTestId('lead-backfill-row');
    expect(within(row).getByTestId('lead-backfill-state')).toHaveTextContent('En espera de Meta');
    expect(row).toHaveTextContent('Meta rate limit (80005)');
    const reads = api.calls(GET_BACKFILLS).length;
    await advance(BACKFILL_POLL_MS * 3);
    expect(api.calls(GET_BACKFILLS)).toHaveLength(reads);
    await advance(BACKFILL_WAITING_POLL_MS);
    expect(api.calls(GET_BACKFILLS).length).toBeGreaterThan(reads);
  });
});

describe('backfill polling and range', () => {
  it('polls fast while one is queued or running, slowly while one waits, never once all ended', () => {
    expect(backfillPollMs(undefined)).toBe(false);
    expect(backfillPollMs([backfill({ state: 'done' }), backfill({ state: 'failed' })])).toBe(false);
    expect(backfillPollMs([backfill({ state: 'waiting' })])).toBe(BACKFILL_WAITING_POLL_MS);
    expect(backfillPollMs([backfill({ state: 'waiting' }), backfill({ state: 'running' })])).toBe(
      BACKFILL_POLL_MS,
    );
    expect(backfillPollMs([backfill({ state: 'queued' })])).toBe(BACKFILL_POLL_MS);
  });

  it('a range ending today stops at now (the API refuses a future until)', () => {
    const now = new Date('2026-11-26T16:23:00.000Z');
    expect(
      toBackfillRequest(
        { formId: FORM_ID, since: '2026-11-20', until: '2026-11-26' },
        'America/Mexico_City',
        now,
      ),
    ).toEqual({ formId: FORM_ID, since: '2026-11-20T06:00:00.000Z', until: '2026-11-26T16:23:00.000Z' });
  });
});
