import type { LeadView } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { lead, leadDetail, page } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { LeadsPage } from './leads-page';
import { compactPhone } from './new-lead-dialog';

const NEW_ID = '00000000-0000-4000-8000-0000000000d1';

function renderLeads() {
  return renderWithApp(<LeadsPage />, { path: '/leads', route: '/leads' });
}

describe('New lead from the Leads page', () => {
  it('compacts a typed phone to E.164', () => {
    expect(compactPhone('+52 1 (55) 1234-5678')).toBe('+5215512345678');
  });

  it('creates a lead, lists it and opens it with the seller round-robin gave it to', async () => {
    let created: LeadView | null = null;
    const api = stubFetch({
      'GET /crm/leads': () => json(page(created ? [created, lead()] : [lead()])),
      'POST /crm/leads': (request: StubRequest) => {
        const body = request.body as { name: string; phone: string; email?: string };
        created = lead({
          id: NEW_ID,
          name: body.name,
          phone: body.phone,
          email: body.email ?? null,
          leadSource: 'REFERRAL',
          metaAdId: null,
          assignedUserName: 'Sergio Setter',
        });
        return json(created, 201);
      },
      [`GET /crm/leads/${NEW_ID}`]: () =>
        json(
          leadDetail({
            ...created!,
            assignedUserName: 'Sergio Setter',
            opportunities: [],
            sales: [],
          }),
        ),
    });
    const { user } = renderLeads();
    await screen.findByTestId('leads-table');
    await user.click(screen.getByTestId('new-lead-button'));
    const dialog = screen.getByRole('dialog', { name: 'Nuevo lead' });
    expect(within(dialog).getByTestId('new-lead-submit')).toBeDisabled();
    expect(within(dialog).queryByRole('option', { name: 'Meta Ads' })).toBeNull();
    await user.type(within(dialog).getByTestId('new-lead-name'), 'Rosa Medina');
    await user.type(within(dialog).getByTestId('new-lead-phone'), '+52 1 55 2222 3333');
    await user.type(within(dialog).getByTestId('new-lead-email'), 'rosa@example.mx');
    await user.selectOptions(within(dialog).getByTestId('new-lead-source'), 'REFERRAL');
    await user.click(within(dialog).getByTestId('new-lead-submit'));

    expect(await screen.findByTestId('new-lead-notice')).toHaveTextContent('Lead «Rosa Medina» creado.');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls('POST /crm/leads')[0]!.body).toEqual({
      name: 'Rosa Medina',
      phone: '+5215522223333',
      email: 'rosa@example.mx',
      leadSource: 'REFERRAL',
    });
    expect(await screen.findByTestId(`lead-row-${NEW_ID}`)).toHaveTextContent('Rosa Medina');
    const detail = await screen.findByTestId('lead-detail');
    expect(await within(detail).findByText('Sergio Setter')).toBeInTheDocument();
  }, 15_000);

  it('keeps the form and says so in Spanish when the phone is taken', async () => {
    stubFetch({
      'GET /crm/leads': page([lead()]),
      'POST /crm/leads': () =>
        apiError(409, 'CONFLICT', 'a lead with phone +5215512345678 already exists (Lucía Hernández)'),
    });
    const { user } = renderLeads();
    await user.click(await screen.findByTestId('new-lead-button'));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByTestId('new-lead-name'), 'Lucía H.');
    await user.type(within(dialog).getByTestId('new-lead-phone'), '+5215512345678');
    await user.click(within(dialog).getByTestId('new-lead-submit'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Ya existe un lead con este teléfono.',
    );
    expect(within(dialog).getByTestId('new-lead-name')).toHaveValue('Lucía H.');
  });
});
