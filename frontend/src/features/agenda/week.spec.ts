import { describe, expect, it } from 'vitest';
import { addDays, localDayKey, startOfWeek } from './week';

describe('agenda weeks', () => {
  it('starts the week on Monday at local midnight, also from a Sunday night and a Monday morning', () => {
    expect(startOfWeek(new Date(2026, 10, 29, 23, 59))).toEqual(new Date(2026, 10, 23));
    expect(startOfWeek(new Date(2026, 10, 30, 0, 0))).toEqual(new Date(2026, 10, 30));
    expect(startOfWeek(new Date(2026, 11, 2, 15))).toEqual(new Date(2026, 10, 30));
  });

  it('moves by calendar days across month and year ends', () => {
    expect(addDays(new Date(2026, 11, 28), 7)).toEqual(new Date(2027, 0, 4));
    expect(addDays(new Date(2026, 11, 1), -7)).toEqual(new Date(2026, 10, 24));
  });

  it('names the local day of an instant', () => {
    // 05:30 UTC on the 24th is still the 23rd in Mexico City (UTC-6), the tests' time zone.
    expect(localDayKey(new Date('2026-11-24T05:30:00Z'))).toBe('2026-11-23');
    expect(localDayKey(new Date(2027, 0, 4, 9))).toBe('2027-01-04');
  });
});
