import { callingCodeOf, importedPhone, importedSource, importedTags, readImportRow } from '../import-row';

describe('importedPhone', () => {
  it.each([
    ['55 1234 5678', '+5215512345678'],
    ['(55) 1234-5678', '+5215512345678'],
    ['+52 55 1234 5678', '+5215512345678'],
    ['+521 55 1234 5678', '+5215512345678'],
    ['5215512345678', '+5215512345678'],
    ['525512345678', '+5215512345678'],
    ['0052 55 1234 5678', '+5215512345678'],
    ['+1 415 555 0100', '+14155550100'],
  ])('reads %p as %p (tenant in Mexico)', (raw, phone) => {
    expect(importedPhone(raw, '52')).toBe(phone);
  });

  it.each(['', 'abc', '5.51234E+09', '12345', 'tel: 55 1234 5678'])('refuses %p', (raw) => {
    expect(importedPhone(raw, '52')).toBeNull();
  });

  it('uses the calling code of the tenant locale', () => {
    expect(callingCodeOf('es-CO')).toBe('57');
    expect(callingCodeOf('es-MX')).toBe('52');
    expect(callingCodeOf('es')).toBe('52');
    expect(importedPhone('300 123 4567', callingCodeOf('es-CO'))).toBe('+573001234567');
  });
});

describe('readImportRow', () => {
  const mapping = { name: 0, phone: 1, email: 2, tags: 3, notes: 4, source: 5 };
  const read = (cells: string[]) => readImportRow(cells, 6, mapping, '52');

  it('turns a row into a lead', () => {
    expect(
      read(['  Ana   López ', '55 1234 5678', 'Ana@Example.COM', 'vip; feria, vip', ' hola ', 'referral']),
    ).toEqual({
      ok: {
        name: 'Ana López',
        phone: '+5215512345678',
        email: 'ana@example.com',
        tags: ['vip', 'feria'],
        notes: 'hola',
        source: 'REFERRAL',
      },
    });
  });

  it('gives each bad row its reason', () => {
    expect(read(['Ana', '5512345678'])).toEqual({ reject: 'column_count' });
    expect(read(['', '5512345678', '', '', '', ''])).toEqual({ reject: 'name_missing' });
    expect(read(['Ana', ' ', '', '', '', ''])).toEqual({ reject: 'phone_missing' });
    expect(read(['Ana', 'n/a', '', '', '', ''])).toEqual({ reject: 'phone_invalid' });
    expect(read(['Ana', '5512345678', 'ana@', '', '', ''])).toEqual({ reject: 'email_invalid' });
    expect(read(['Ana', '5512345678', '', '', 'x'.repeat(5001), ''])).toEqual({ reject: 'notes_too_long' });
    const tags = Array.from({ length: 21 }, (_, i) => `t${i}`).join(',');
    expect(read(['Ana', '5512345678', '', tags, '', ''])).toEqual({ reject: 'too_many_tags' });
  });

  it('defaults the source to IMPORT and leaves unmapped fields empty', () => {
    expect(importedSource('Facebook')).toBe('IMPORT');
    expect(importedSource(' meta ads ')).toBe('META_ADS');
    expect(importedTags(undefined)).toEqual([]);
    expect(readImportRow(['Ana', '5512345678'], 2, { name: 0, phone: 1 }, '52')).toEqual({
      ok: { name: 'Ana', phone: '+5215512345678', email: null, tags: [], notes: null, source: 'IMPORT' },
    });
  });
});
