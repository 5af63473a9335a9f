import { DomainError } from '@crm/contracts';
import { CreateLeadBody } from '../leads/leads.dto';
import { parseHttpBody } from './validated-body';

const valid = { name: 'María López', phone: '+5215512345678', leadSource: 'MANUAL' };

function validationError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('parseHttpBody', () => {
  it('returns a DTO instance for a valid body', () => {
    const body = parseHttpBody(CreateLeadBody, valid);
    expect(body).toBeInstanceOf(CreateLeadBody);
    expect(body).toMatchObject(valid);
  });

  it('rejects a tenantId (or any unknown field) instead of passing it on', () => {
    const error = validationError(() =>
      parseHttpBody(CreateLeadBody, { ...valid, tenantId: '0b3c2a52-1c1e-4c3b-9a55-6d0c2a111111' }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('tenantId');
  });

  it('names every invalid field', () => {
    const error = validationError(() =>
      parseHttpBody(CreateLeadBody, { name: '', phone: '5512', leadSource: 'TV' }),
    );
    expect(error.details).toEqual({ fields: ['name', 'phone', 'leadSource'] });
    expect(error.message).toContain('E.164');
  });

  it.each([[[valid]], ['text'], [7]])('rejects a body that is not an object: %p', (body) => {
    expect(validationError(() => parseHttpBody(CreateLeadBody, body)).code).toBe('VALIDATION');
  });
});
