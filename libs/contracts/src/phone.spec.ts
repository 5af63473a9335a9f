import { normalizePhone } from './phone';

describe('normalizePhone', () => {
  it('keeps E.164 numbers as they are', () => {
    expect(normalizePhone('+5215512345678')).toBe('+5215512345678');
    expect(normalizePhone('+14155550123')).toBe('+14155550123');
    expect(normalizePhone('+34612345678')).toBe('+34612345678');
  });

  it('drops separators and turns a 00 prefix into +', () => {
    expect(normalizePhone(' +1 (415) 555-0123 ')).toBe('+14155550123');
    expect(normalizePhone('0034 612.345.678')).toBe('+34612345678');
  });

  it('stores Mexican mobiles with the WhatsApp 1 so +52 and +521 forms are one lead', () => {
    expect(normalizePhone('+52 55 1234 5678')).toBe('+5215512345678');
    expect(normalizePhone('+5215512345678')).toBe(normalizePhone('+525512345678'));
  });

  it('rejects what is not E.164', () => {
    expect(normalizePhone('5512345678')).toBeNull();
    expect(normalizePhone('+0123456789')).toBeNull();
    expect(normalizePhone('+12')).toBeNull();
    expect(normalizePhone('+1234567890123456')).toBeNull();
    expect(normalizePhone('+52 55 abc')).toBeNull();
    expect(normalizePhone('')).toBeNull();
  });
});
