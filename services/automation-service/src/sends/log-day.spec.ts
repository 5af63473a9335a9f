import { dayRange } from './log-day';

describe('dayRange', () => {
  it('is the day in the given timezone, as instants', () => {
    expect(dayRange('2026-03-02', 'America/Mexico_City')).toEqual({
      start: new Date('2026-03-02T06:00:00.000Z'),
      end: new Date('2026-03-03T06:00:00.000Z'),
    });
  });

  it('is UTC when no timezone is given', () => {
    expect(dayRange('2026-03-02')).toEqual({
      start: new Date('2026-03-02T00:00:00.000Z'),
      end: new Date('2026-03-03T00:00:00.000Z'),
    });
  });

  it('follows a DST change: the day the clocks go forward has 23 hours', () => {
    const { start, end } = dayRange('2026-03-08', 'America/New_York');
    expect(start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(end.toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('refuses a day that does not exist', () => {
    expect(() => dayRange('2026-02-30', 'America/Mexico_City')).toThrow('day must be a calendar date');
  });
});
