import { describe, expect, it } from 'vitest';
import { startOfDay } from './zoned-day';

describe('startOfDay', () => {
  it('is midnight on the clock of the given zone', () => {
    expect(startOfDay('2026-11-26', 'America/Mexico_City')).toBe('2026-11-26T06:00:00.000Z');
    expect(startOfDay('2026-11-26', 'Europe/Madrid')).toBe('2026-11-25T23:00:00.000Z');
    expect(startOfDay('2026-11-26', 'Asia/Tokyo')).toBe('2026-11-25T15:00:00.000Z');
  });

  it('gives the start of the next day as an exclusive end, across a DST change', () => {
    expect(startOfDay('2026-11-30', 'America/Mexico_City', 1)).toBe('2026-12-01T06:00:00.000Z');
    // Madrid moves to summer time on 29 March 2026.
    expect(startOfDay('2026-03-29', 'Europe/Madrid')).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDay('2026-03-29', 'Europe/Madrid', 1)).toBe('2026-03-29T22:00:00.000Z');
  });

  it("uses the browser's zone without one and refuses what is not a day", () => {
    // Tests run with TZ=America/Mexico_City.
    expect(startOfDay('2026-11-26')).toBe('2026-11-26T06:00:00.000Z');
    expect(startOfDay('2026-02-31', 'UTC')).toBeNull();
    expect(startOfDay('yesterday', 'UTC')).toBeNull();
  });
});
