import { DomainError } from '@crm/contracts';
import { firstName, needsTenantName, resolveBodyParameters } from './variable-mapping';

const lead = {
  name: '  María José Pérez ',
  phone: '+5215512345678',
  email: 'maria@example.com',
  assignedUserName: 'Carlos Ruiz',
};

describe('template variable mapping', () => {
  it('takes the first word of the name', () => {
    expect(firstName('  María José Pérez ')).toBe('María');
    expect(firstName('Ana')).toBe('Ana');
  });

  it('maps every source in order', () => {
    expect(
      resolveBodyParameters(
        ['lead.first_name', 'seller.name', 'tenant.name', 'lead.name', 'lead.phone', 'lead.email'],
        { lead, tenantName: 'Inmobiliaria Sol' },
      ),
    ).toEqual([
      'María',
      'Carlos Ruiz',
      'Inmobiliaria Sol',
      'María José Pérez',
      '+5215512345678',
      'maria@example.com',
    ]);
  });

  it('uses the tenant name as seller when the lead has no assignee', () => {
    const unassigned = { ...lead, assignedUserName: null };
    expect(needsTenantName(['seller.name'], unassigned)).toBe(true);
    expect(needsTenantName(['seller.name'], lead)).toBe(false);
    expect(needsTenantName(['lead.first_name'], unassigned)).toBe(false);
    expect(needsTenantName(['tenant.name'], lead)).toBe(true);
    expect(
      resolveBodyParameters(['seller.name'], { lead: unassigned, tenantName: 'Inmobiliaria Sol' }),
    ).toEqual(['Inmobiliaria Sol']);
  });

  it('refuses an empty value, naming the variable (WhatsApp rejects empty parameters)', () => {
    const noEmail = { ...lead, email: null };
    try {
      resolveBodyParameters(['lead.first_name', 'lead.email'], { lead: noEmail, tenantName: null });
      throw new Error('expected a VALIDATION error');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('VALIDATION');
      expect((error as DomainError).message).toContain('{{2}}');
      expect((error as DomainError).message).toContain('lead.email');
    }
  });

  it('an empty mapping gives no parameters', () => {
    expect(resolveBodyParameters([], { lead, tenantName: null })).toEqual([]);
  });
});
