import type { AdAccountOption, LeadAdsPageOption, PhoneNumberOption } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { META_CONNECTED } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { SetupWizard } from './setup-wizard';

const portfolios = [{ id: 'biz-1', name: 'Inmobiliaria Sol', verificationStatus: 'verified' }];
const adAccounts: AdAccountOption[] = [
  {
    id: 'act_1',
    name: 'Sol · Leads México',
    currency: 'MXN',
    timezone: 'America/Mexico_City',
    accountStatus: 1,
    selectable: true,
  },
];
const phoneNumbers: PhoneNumberOption[] = [
  {
    id: 'pn-1',
    wabaId: 'waba-1',
    wabaName: 'Sol WhatsApp',
    displayPhoneNumber: '+52 55 4123 9087',
    verifiedName: 'Inmobiliaria Sol',
    qualityRating: 'GREEN',
  },
];
const pages: LeadAdsPageOption[] = [
  { id: '101', name: 'Inmobiliaria Sol', chosen: false, takenByAnotherAccount: false },
  { id: '102', name: 'Sol Guadalajara', chosen: false, takenByAnotherAccount: false },
  { id: '103', name: 'Sol Querétaro', chosen: false, takenByAnotherAccount: true },
];

function wizardRoutes(putPages: (request: StubRequest) => Response) {
  return {
    'GET /crm/marketing/meta-portfolios': portfolios,
    'GET /crm/marketing/meta-accounts': adAccounts,
    'GET /crm/marketing/meta-phone-numbers': phoneNumbers,
    'GET /crm/marketing/lead-ads/pages': pages,
    'PUT /crm/marketing/lead-ads/pages': putPages,
    'POST /crm/marketing/connect': META_CONNECTED,
  };
}

async function walkToPages(user: ReturnType<typeof renderWithApp>['user']) {
  await screen.findByTestId('wizard-portfolio');
  await user.click(screen.getByTestId('wizard-next'));
  await screen.findByTestId('wizard-ad-account');
  await user.click(screen.getByTestId('wizard-next'));
  await screen.findByTestId('wizard-phone-number');
  await user.click(screen.getByTestId('wizard-next'));
  await waitFor(() => expect(screen.getByTestId('wizard-finish')).toBeEnabled());
}

describe('SetupWizard: the Page step', () => {
  it('lists the Pages by name, another account’s one disabled, and saves the ticked ones before connecting', async () => {
    const api = stubFetch(
      wizardRoutes(() =>
        json([
          { id: '101', name: 'Inmobiliaria Sol', chosenAt: '2026-01-01T00:00:00.000Z', subscribedAt: null },
        ]),
      ),
    );
    const { user } = renderWithApp(<SetupWizard />);
    await walkToPages(user);
    const step = screen.getByTestId('wizard-pages');

    expect(screen.getByTestId('meta-setup-wizard')).toHaveAttribute('data-step', 'pages');
    expect(
      within(step).getByText('Páginas cuyos leads de formularios (Lead Ads) llegan a esta cuenta'),
    ).toBeVisible();
    const sol = within(step).getByRole('checkbox', { name: 'Inmobiliaria Sol' });
    const gdl = within(step).getByRole('checkbox', { name: 'Sol Guadalajara' });
    const qro = within(step).getByRole('checkbox', { name: /Sol Querétaro/ });
    // Nothing ticked for the user; the one another account holds says so and cannot be ticked.
    expect(sol).not.toBeChecked();
    expect(gdl).not.toBeChecked();
    expect(qro).not.toBeChecked();
    expect(qro).toBeDisabled();
    expect(within(step).getByText('Conectada a otra cuenta de CRM Ventas')).toBeVisible();

    await user.click(sol);
    await user.click(gdl);
    await user.click(gdl);
    await user.click(screen.getByTestId('wizard-finish'));

    await waitFor(() => expect(api.calls('POST /crm/marketing/connect')).toHaveLength(1));
    expect(api.calls('PUT /crm/marketing/lead-ads/pages').map((r) => r.body)).toEqual([{ pageIds: ['101'] }]);
    const order = api.requests.map((r) => `${r.method} ${r.path}`);
    expect(order.indexOf('PUT /crm/marketing/lead-ads/pages')).toBeLessThan(
      order.indexOf('POST /crm/marketing/connect'),
    );
    expect(api.calls('POST /crm/marketing/connect')[0].body).toEqual({
      businessId: 'biz-1',
      adAccountId: 'act_1',
      wabaId: 'waba-1',
      phoneNumberId: 'pn-1',
    });
  });

  it('a Page taken meanwhile: the 409 is explained and the connection is not saved', async () => {
    const api = stubFetch(
      wizardRoutes(() =>
        json(
          {
            statusCode: 409,
            code: 'CONFLICT',
            message: 'the Facebook Page "Sol Guadalajara" is already connected to another CRM Ventas account',
            details: { reason: 'page_owned', pageId: '102' },
          },
          409,
        ),
      ),
    );
    const { user } = renderWithApp(<SetupWizard />);
    await walkToPages(user);
    await user.click(screen.getByRole('checkbox', { name: 'Sol Guadalajara' }));
    await user.click(screen.getByTestId('wizard-finish'));

    expect(await screen.findByTestId('meta-error')).toHaveTextContent(
      'Una de las páginas elegidas ya está conectada a otra cuenta de CRM Ventas.',
    );
    expect(api.calls('POST /crm/marketing/connect')).toHaveLength(0);
    expect(screen.getByTestId('meta-setup-wizard')).toHaveAttribute('data-step', 'pages');
  });

  it('without Pages the connection is saved without the Page call', async () => {
    const api = stubFetch({ ...wizardRoutes(() => json([])), 'GET /crm/marketing/lead-ads/pages': [] });
    const { user } = renderWithApp(<SetupWizard />);
    await walkToPages(user);
    expect(screen.queryByTestId('wizard-pages')).toBeNull();
    expect(
      screen.getByText(
        'Tu usuario de Meta no administra ninguna página de Facebook. Puedes guardar la conexión sin Lead Ads.',
      ),
    ).toBeVisible();
    await user.click(screen.getByTestId('wizard-finish'));
    await waitFor(() => expect(api.calls('POST /crm/marketing/connect')).toHaveLength(1));
    expect(api.calls('PUT /crm/marketing/lead-ads/pages')).toHaveLength(0);
  });
});
