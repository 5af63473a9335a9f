import { DomainError } from '@crm/contracts';
import { fillPlaceholders, firstName, resolveBodyParameters, resolveParameters } from './variable-mapping';

const lead = {
  name: '  María José Pérez ',
  phone: '+5215512345678',
  email: 'maria@example.com',
  assignedUserName: 'Carlos Ruiz',
  assignedUserPhone: '+5215587654321',
};
const tenant = { name: 'Inmobiliaria Sol', timezone: 'America/Mexico_City', locale: 'es-MX' };
const opportunity = {
  title: 'Depto 3B',
  value: 1250000,
  currency: 'MXN',
  deadline: '2026-10-15T17:00:00.000Z',
};
const sale = { amount: 99.5, currency: 'USD', completedAt: '2026-11-02T06:30:00.000Z' };

function validationOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a VALIDATION error');
}

describe('template variable mapping', () => {
  it('takes the first word of the name', () => {
    expect(firstName('  María José Pérez ')).toBe('María');
    expect(firstName('Ana')).toBe('Ana');
  });

  it('maps lead, seller and tenant sources in order', () => {
    expect(
      resolveBodyParameters(
        [
          'lead.first_name',
          'seller.name',
          'seller.first_name',
          'tenant.name',
          'lead.name',
          'lead.phone',
          'lead.email',
        ],
        { lead, tenant },
      ),
    ).toEqual([
      'María',
      'Carlos Ruiz',
      'Carlos',
      'Inmobiliaria Sol',
      'María José Pérez',
      '+5215512345678',
      'maria@example.com',
    ]);
  });

  it('formats opportunity and sale fields in the tenant locale and timezone', () => {
    const [title, value, deadline, amount, completed] = resolveBodyParameters(
      ['opportunity.title', 'opportunity.value', 'opportunity.deadline', 'sale.amount', 'sale.completed_at'],
      { lead, tenant, opportunity, sale },
    );
    expect(title).toBe('Depto 3B');
    expect(value).toBe('$1,250,000.00');
    // 17:00 UTC is 11:00 in Mexico City.
    expect(deadline).toMatch(/15 oct 2026.*11:00/);
    expect(amount).toMatch(/99\.50/);
    // 06:30 UTC on Nov 2 is still Nov 2 (00:30) in Mexico City.
    expect(completed).toMatch(/2 nov 2026/);
  });

  it('fills header, body and URL button parameters', () => {
    expect(
      resolveParameters(
        {
          header: ['lead.first_name'],
          body: ['opportunity.title', 'tenant.name'],
          buttons: [{ index: 1, source: 'lead.phone' }],
        },
        { lead, tenant, opportunity },
      ),
    ).toEqual({
      header: ['María'],
      body: ['Depto 3B', 'Inmobiliaria Sol'],
      buttons: [{ index: 1, text: '+5215512345678' }],
    });
  });

  it('uses the tenant name as seller when the lead has no assignee', () => {
    const unassigned = { ...lead, assignedUserName: null };
    expect(resolveBodyParameters(['seller.name'], { lead: unassigned, tenant })).toEqual([
      'Inmobiliaria Sol',
    ]);
  });

  it('refuses an empty value, naming the part, the variable and the source', () => {
    const noEmail = { ...lead, email: null };
    const error = validationOf(() =>
      resolveBodyParameters(['lead.first_name', 'lead.email'], { lead: noEmail, tenant: null }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('no value for body {{2}} (lead.email)');
    expect(error.details).toMatchObject({ reason: 'missing_variable' });

    const noOpportunity = validationOf(() =>
      resolveParameters({ header: ['opportunity.title'], body: [], buttons: [] }, { lead, tenant }),
    );
    expect(noOpportunity.message).toBe('no value for header {{1}} (opportunity.title)');
  });

  it("seller.phone is the assigned user's phone; none without a seller or when the seller has no phone", () => {
    expect(
      resolveParameters(
        {
          header: [],
          body: ['seller.first_name', 'seller.phone'],
          buttons: [{ index: 0, source: 'seller.phone' }],
        },
        { lead, tenant },
      ),
    ).toEqual({
      header: [],
      body: ['Carlos', '+5215587654321'],
      buttons: [{ index: 0, text: '+5215587654321' }],
    });
    const sellerWithoutPhone = { ...lead, assignedUserPhone: null };
    const unassigned = { ...lead, assignedUserName: null, assignedUserPhone: null };
    for (const withoutPhone of [sellerWithoutPhone, unassigned]) {
      const error = validationOf(() =>
        resolveBodyParameters(['lead.first_name', 'seller.phone'], { lead: withoutPhone, tenant }),
      );
      expect(error.message).toBe('no value for body {{2}} (seller.phone)');
      expect(error.details).toMatchObject({ reason: 'missing_variable', source: 'seller.phone' });
    }
  });

  it('an empty mapping gives no parameters', () => {
    expect(resolveParameters({ header: [], body: [], buttons: [] }, { lead, tenant: null })).toEqual({
      header: [],
      body: [],
      buttons: [],
    });
  });

  it('renders a template text with its parameters', () => {
    expect(fillPlaceholders('Hola {{1}}, soy {{2}} de {{3}}.', ['Ana', 'Carla', 'Sol'])).toBe(
      'Hola Ana, soy Carla de Sol.',
    );
    expect(fillPlaceholders('Hola {{1}} {{2}}', ['Ana'])).toBe('Hola Ana {{2}}');
  });
});
