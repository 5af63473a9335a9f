import { normaliseToE164, waIdToE164 } from '../phone';

describe('phone normalisation', () => {
  it.each([
    ['+52 55 1234 5678', '+525512345678'],
    ['+1 (650) 555-1234', '+16505551234'],
    ['0052.55.1234.5678', '+525512345678'],
    ['  +5215512345678 ', '+5215512345678'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseToE164(input)).toBe(expected);
  });

  it.each(['5512345678', '+0 123', 'not a phone', '', undefined, '+123'])(
    'gives undefined for %p (no country code or not a number)',
    (input) => {
      expect(normaliseToE164(input)).toBeUndefined();
    },
  );

  it('turns WhatsApp wa_id digits into E.164 and rejects usernames', () => {
    expect(waIdToE164('5215512345678')).toBe('+5215512345678');
    expect(waIdToE164('user.9373abc')).toBeUndefined();
    expect(waIdToE164('')).toBeUndefined();
  });
});
