import { DomainError } from './errors';
import { passwordProblem } from './model/people';
import { SignupRequest, UpdateTenantRequest } from './people';
import { parsePayload } from './validation';

const TENANT = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a111111';

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('passwordProblem', () => {
  it('accepts 10+ characters with letters and digits that do not contain the email name', () => {
    expect(passwordProblem('ventas-2026-sol', 'laura@luna.mx')).toBeNull();
    expect(passwordProblem('ñandú12345', 'x@luna.mx')).toBeNull();
  });

  it('names what is wrong with a weak password', () => {
    expect(passwordProblem('abc12345', 'laura@luna.mx')).toBe('password must be at least 10 characters long');
    expect(passwordProblem('abcdefghijkl', 'laura@luna.mx')).toBe('password must contain letters and digits');
    expect(passwordProblem('1234567890', 'laura@luna.mx')).toBe('password must contain letters and digits');
    expect(passwordProblem('LAURA-2026-x', 'Laura@luna.mx')).toBe(
      'password must not contain the part of the email before the @',
    );
  });
});

describe('SignupRequest and UpdateTenantRequest', () => {
  const valid = {
    companyName: '  Inmobiliaria Luna ',
    name: 'Laura',
    email: 'laura@luna.mx',
    password: 'ventas-2026-sol',
  };

  it('accepts a sign-up without settings and trims the names', () => {
    const request = parsePayload(SignupRequest, valid);
    expect(request.companyName).toBe('Inmobiliaria Luna');
    expect(request.timezone).toBeUndefined();
  });

  it('rejects an unknown timezone, currency or locale with a message naming the rule', () => {
    expect(failure(() => parsePayload(SignupRequest, { ...valid, timezone: 'Mars/Olympus' })).message).toBe(
      'timezone must be an IANA timezone such as America/Mexico_City',
    );
    expect(failure(() => parsePayload(SignupRequest, { ...valid, currency: 'XXX' })).message).toMatch(
      /^currency must be one of MXN, USD/,
    );
    expect(
      failure(() => parsePayload(UpdateTenantRequest, { tenantId: TENANT, locale: 'fr-FR' })).message,
    ).toBe('locale must be one of es-MX, en-US');
    expect(parsePayload(UpdateTenantRequest, { tenantId: TENANT, timezone: 'Europe/Madrid' }).timezone).toBe(
      'Europe/Madrid',
    );
  });

  it('rejects a short password and a blank company name', () => {
    const error = failure(() =>
      parsePayload(SignupRequest, { ...valid, companyName: '   ', password: 'a1' }),
    );
    expect(error.details).toEqual({ fields: ['companyName', 'password'] });
  });
});
