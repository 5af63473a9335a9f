import type { LeadAdsPageOption, LeadAdsPageView, Role } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, type StubRoutes } from '../../test/fetch-stub';
import { META_CONNECTED } from '../../test/fixtures';
import { backfill, leadForm, OTHER_PAGE_ID, PAGE_ID } from '../../test/lead-ads-fixtures';
import { renderHubSection } from '../../test/render';
import { LeadFormsSection } from './lead-forms-section';

const FORMS = 'GET /crm/marketing/lead-ads/forms';
const BACKFILLS = 'GET /crm/marketing/lead-ads/backfills';
const PAGES = 'GET /crm/marketing/lead-ads/pages';
const PUT_PAGES = 'PUT /crm/marketing/lead-ads/pages';

const renderSection = (routes: StubRoutes, role: Role = 'ceo') =>
  renderHubSection(<LeadFormsSection status={META_CONNECTED} />, routes, role);

describe('Marketing Hub: Lead Ads forms', () => {
  it('is not shown to a setter (the routes are the Marketing Hub roles), and asks nothing', async () => {
    const { api } = renderSection({}, 'setter');
    expect(await screen.findByText('Marketing Hub')).toBeInTheDocument();
    expect(screen.queryByTestId('lead-forms-section')).toBeNull();
    expect(api.requests.filter((request) => request.path.includes('lead-ads'))).toEqual([]);
  });

  it('groups the forms by Page name with status, questions and last sync', async () => {
    renderSection({
      [FORMS]: [
        leadForm(),
        leadForm({
          id: '5550002',
          name: 'Departamentos CDMX',
          status: 'ARCHIVED',
          customMapping: true,
          questions: leadForm().questions.slice(0, 1),
        }),
        leadForm({ id: '5550003', pageId: OTHER_PAGE_ID, pageName: 'Sol Agencia Digital', name: 'Preventa' }),
      ],
      [BACKFILLS]: [],
    });
    const section = await screen.findByTestId('lead-forms-section');
    expect(within(section).getByRole('heading', { level: 2 })).toHaveTextContent('Formularios de Lead Ads');
    const pages = await within(section).findAllByTestId('lead-forms-page');
    expect(pages.map((page) => within(page).getByRole('heading').textContent)).toEqual([
      'Página de Facebook: Inmobiliaria Sol',
      'Página de Facebook: Sol Agencia Digital',
    ]);
    const [queretaro, cdmx] = within(pages[0]!).getAllByTestId('lead-form');
    expect(queretaro).toHaveTextContent('Cotización casas Querétaro');
    expect(within(queretaro!).getByTestId('lead-form-status')).toHaveTextContent('Activo');
    expect(queretaro).toHaveTextContent('4 preguntas');
    expect(queretaro).toHaveTextContent('Sincronizado: 26 nov 2026, 10:23');
    expect(queretaro).toHaveTextContent('Mapeo predeterminado');
    expect(within(cdmx!).getByTestId('lead-form-status')).toHaveTextContent('Archivado');
    expect(cdmx).toHaveTextContent('1 pregunta');
    expect(cdmx).toHaveTextContent('Mapeo personalizado');
    // Names, never ids.
    expect(section).not.toHaveTextContent(PAGE_ID);
  });

  it('shows a placeholder while the forms load', async () => {
    renderSection({ [FORMS]: () => pending(), [BACKFILLS]: [] });
    const section = await screen.findByTestId('lead-forms-section');
    expect(within(section).getAllByRole('status')[0]).toHaveTextContent('Cargando');
    expect(within(section).getByTestId('lead-forms-sync')).toBeDisabled();
  });

  it('a Meta failure of the list is explained in words with a retry, which then shows the forms', async () => {
    const { api, user } = renderSection({
      [FORMS]: () => apiError(503, 'META_UNAVAILABLE', 'down'),
      [BACKFILLS]: [],
    });
    const notice = await screen.findByTestId('meta-error');
    expect(notice).toHaveTextContent('Meta no está disponible en este momento.');
    api.use({ [FORMS]: [leadForm()] });
    await user.click(within(notice).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByText('Cotización casas Querétaro')).toBeInTheDocument();
    expect(screen.queryByTestId('meta-error')).toBeNull();
  });

  it('a failed sync keeps the list and says why (Meta rate limit)', async () => {
    const { api, user } = renderSection({ [FORMS]: [leadForm()], [BACKFILLS]: [] });
    expect(await screen.findByText('Cotización casas Querétaro')).toBeInTheDocument();
    api.use({ [FORMS]: () => apiError(429, 'META_RATE_LIMITED', 'slow down') });
    await user.click(screen.getByRole('button', { name: 'Sincronizar con Meta' }));
    expect(await screen.findByTestId('meta-error')).toHaveTextContent(
      'Meta limitó temporalmente las consultas',
    );
    expect(screen.getByText('Cotización casas Querétaro')).toBeInTheDocument();
  });

  it('"Sincronizar con Meta" asks for a refresh and shows what Meta has now', async () => {
    const { api, user } = renderSection({ [FORMS]: [leadForm()], [BACKFILLS]: [] });
    expect(await screen.findByText('Cotización casas Querétaro')).toBeInTheDocument();
    api.use({ [FORMS]: [leadForm({ name: 'Cotización Querétaro (nueva)' })] });
    await user.click(screen.getByRole('button', { name: 'Sincronizar con Meta' }));
    expect(await screen.findByText('Cotización Querétaro (nueva)')).toBeInTheDocument();
    expect(api.calls(FORMS).at(-1)!.query.get('refresh')).toBe('true');
  });

  it('without a chosen Page: explains it and lets the Pages be chosen here; then the forms show', async () => {
    const pages: LeadAdsPageOption[] = [
      { id: PAGE_ID, name: 'Inmobiliaria Sol', chosen: false, takenByAnotherAccount: false },
      { id: OTHER_PAGE_ID, name: 'Página de otro', chosen: false, takenByAnotherAccount: true },
    ];
    const { api, user } = renderSection({
      [FORMS]: [],
      [BACKFILLS]: [],
      [PAGES]: pages,
      [PUT_PAGES]: () =>
        json([
          { id: PAGE_ID, name: 'Inmobiliaria Sol', chosenAt: '2026-11-26T16:30:00.000Z', subscribedAt: null },
        ] satisfies LeadAdsPageView[]),
    });
    const empty = await screen.findByTestId('lead-forms-empty');
    expect(empty).toHaveTextContent('Aún no eliges Páginas de Facebook para Lead Ads.');
    expect(within(empty).getByRole('checkbox', { name: /Página de otro/ })).toBeDisabled();
    const save = within(empty).getByRole('button', { name: 'Guardar Páginas' });
    expect(save).toBeDisabled();

    api.use({ [FORMS]: [leadForm()], [BACKFILLS]: [backfill({ reason: 'page_chosen' })] });
    await user.click(within(empty).getByRole('checkbox', { name: /Inmobiliaria Sol/ }));
    await user.click(save);
    expect(await screen.findByTestId('lead-forms')).toHaveTextContent('Cotización casas Querétaro');
    expect(api.calls(PUT_PAGES).map((request) => request.body)).toEqual([{ pageIds: [PAGE_ID] }]);
    expect(await screen.findByText(/Página recién elegida/)).toBeInTheDocument();
  });

  it('with chosen Pages but no forms: names the Pages and says where to create one', async () => {
    renderSection({
      [FORMS]: [],
      [BACKFILLS]: [],
      [PAGES]: [{ id: PAGE_ID, name: 'Inmobiliaria Sol', chosen: true, takenByAnotherAccount: false }],
    });
    const empty = await screen.findByTestId('lead-forms-empty');
    expect(
      await within(empty).findByText('Tus Páginas aún no tienen formularios de Lead Ads.'),
    ).toBeVisible();
    expect(empty).toHaveTextContent('Administrador de anuncios de Meta para Inmobiliaria Sol');
    expect(within(empty).queryByRole('checkbox')).toBeNull();
  });

  it('a professional sees the forms and the backfills, but cannot start one (the ceo only)', async () => {
    renderSection({ [FORMS]: [leadForm()], [BACKFILLS]: [backfill({ state: 'done' })] }, 'professional');
    expect(await screen.findByText('Cotización casas Querétaro')).toBeInTheDocument();
    expect(await screen.findByTestId('lead-backfill-row')).toBeInTheDocument();
    expect(screen.queryByTestId('lead-backfill-form')).toBeNull();
    expect(screen.getByRole('button', { name: /Editar mapeo/ })).toBeEnabled();
  });
});
