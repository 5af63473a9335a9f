import { DomainError } from '@crm/contracts';
import { MAX_CUSTOM_RANGE_DAYS, isValidTimezone, resolveReportRange, type RangeInput } from '../report-range';

const MX = 'America/Mexico_City';

function validationError(input: RangeInput, timezone: string, now: Date): DomainError {
  try {
    resolveReportRange(input, timezone, now);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION');
    return error as DomainError;
  }
  throw new Error('expected a VALIDATION error');
}

describe('resolveReportRange presets', () => {
  // 2026-03-15 18:00 in Mexico City (UTC-6, no DST since 2022).
  const now = new Date('2026-03-16T00:00:00.000Z');

  it('last_7d is the 7 calendar days ending today inclusive, in the ad account timezone', () => {
    const { range, crmSince, crmUntil } = resolveReportRange({ preset: 'last_7d' }, MX, now);
    expect(range).toEqual({ preset: 'last_7d', since: '2026-03-09', until: '2026-03-15', timezone: MX });
    expect(crmSince).toBe('2026-03-09T06:00:00.000Z');
    expect(crmUntil).toBe('2026-03-16T06:00:00.000Z');
  });

  it('last_30d and last_90d count today as the last day', () => {
    expect(resolveReportRange({ preset: 'last_30d' }, MX, now).range).toMatchObject({
      since: '2026-02-14',
      until: '2026-03-15',
    });
    expect(resolveReportRange({ preset: 'last_90d' }, MX, now).range).toMatchObject({
      since: '2025-12-16',
      until: '2026-03-15',
    });
  });

  it('this_year runs from January 1 to today', () => {
    const { range, crmSince } = resolveReportRange({ preset: 'this_year' }, MX, now);
    expect(range).toMatchObject({ since: '2026-01-01', until: '2026-03-15' });
    expect(crmSince).toBe('2026-01-01T06:00:00.000Z');
  });

  it('ignores since/until given with a non-custom preset', () => {
    const { range } = resolveReportRange(
      { preset: 'last_7d', since: '2020-01-01', until: '2020-01-02' },
      MX,
      now,
    );
    expect(range.since).toBe('2026-03-09');
  });

  it('"today" is the ad account\'s day, not UTC\'s', () => {
    // Already 2026-03-16 in UTC, still 2026-03-15 in Mexico City, already 2026-03-16 in Tokyo.
    expect(resolveReportRange({ preset: 'last_7d' }, MX, now).range.until).toBe('2026-03-15');
    expect(resolveReportRange({ preset: 'last_7d' }, 'UTC', now).range.until).toBe('2026-03-16');
    const tokyo = resolveReportRange({ preset: 'last_7d' }, 'Asia/Tokyo', now);
    expect(tokyo.range).toMatchObject({ since: '2026-03-10', until: '2026-03-16' });
    expect(tokyo.crmSince).toBe('2026-03-09T15:00:00.000Z');
    expect(tokyo.crmUntil).toBe('2026-03-16T15:00:00.000Z');
  });

  it('this_year on January 1 is a single day', () => {
    const newYear = new Date('2026-01-01T06:30:00.000Z'); // 00:30 in Mexico City
    const { range, crmSince, crmUntil } = resolveReportRange({ preset: 'this_year' }, MX, newYear);
    expect(range).toMatchObject({ since: '2026-01-01', until: '2026-01-01' });
    expect(crmSince).toBe('2026-01-01T06:00:00.000Z');
    expect(crmUntil).toBe('2026-01-02T06:00:00.000Z');
    // ...while in UTC-8 it is still 2025: the whole year so far.
    expect(resolveReportRange({ preset: 'this_year' }, 'America/Los_Angeles', newYear).range).toMatchObject({
      since: '2025-01-01',
      until: '2025-12-31',
    });
  });
});

describe('resolveReportRange across DST changes', () => {
  const NY = 'America/New_York';

  it("a range spanning spring-forward uses each day's own offset (23-hour day)", () => {
    // DST starts 2026-03-08 02:00 in New York: before EST (UTC-5), after EDT (UTC-4).
    const { range, crmSince, crmUntil } = resolveReportRange(
      { preset: 'custom', since: '2026-03-08', until: '2026-03-08' },
      NY,
      new Date('2026-03-20T12:00:00Z'),
    );
    expect(range).toMatchObject({ since: '2026-03-08', until: '2026-03-08' });
    expect(crmSince).toBe('2026-03-08T05:00:00.000Z');
    expect(crmUntil).toBe('2026-03-09T04:00:00.000Z');
    expect(Date.parse(crmUntil) - Date.parse(crmSince)).toBe(23 * 3600 * 1000);
  });

  it('a range ending on fall-back day ends 25 hours after that day starts', () => {
    // DST ends 2025-11-02 02:00 in New York.
    const { crmSince, crmUntil } = resolveReportRange(
      { preset: 'custom', since: '2025-10-30', until: '2025-11-02' },
      NY,
      new Date('2025-12-01T12:00:00Z'),
    );
    expect(crmSince).toBe('2025-10-30T04:00:00.000Z');
    expect(crmUntil).toBe('2025-11-03T05:00:00.000Z');
    expect(Date.parse(crmUntil) - Date.parse(crmSince)).toBe((4 * 24 + 1) * 3600 * 1000);
  });

  it('last_7d across spring-forward still covers 7 calendar days', () => {
    const { range, crmSince, crmUntil } = resolveReportRange(
      { preset: 'last_7d' },
      NY,
      new Date('2026-03-10T15:00:00Z'),
    );
    expect(range).toMatchObject({ since: '2026-03-04', until: '2026-03-10' });
    expect(crmSince).toBe('2026-03-04T05:00:00.000Z'); // EST
    expect(crmUntil).toBe('2026-03-11T04:00:00.000Z'); // EDT
  });

  it('where midnight does not exist (Santiago spring-forward), the day starts at 01:00', () => {
    // Chile skips 2024-09-08 00:00 → 01:00 (UTC-4 → UTC-3).
    const { crmSince, crmUntil } = resolveReportRange(
      { preset: 'custom', since: '2024-09-07', until: '2024-09-07' },
      'America/Santiago',
      new Date('2024-10-01T12:00:00Z'),
    );
    expect(crmSince).toBe('2024-09-07T04:00:00.000Z');
    expect(crmUntil).toBe('2024-09-08T04:00:00.000Z');
    const next = resolveReportRange(
      { preset: 'custom', since: '2024-09-08', until: '2024-09-08' },
      'America/Santiago',
      new Date('2024-10-01T12:00:00Z'),
    );
    expect(next.crmSince).toBe('2024-09-08T04:00:00.000Z');
  });
});

describe('resolveReportRange custom validation', () => {
  const now = new Date('2026-03-16T00:00:00.000Z'); // 2026-03-15 in Mexico City

  it('accepts a valid range up to today and converts to [since, until+1) instants', () => {
    const { range, crmSince, crmUntil } = resolveReportRange(
      { preset: 'custom', since: '2026-02-01', until: '2026-03-15' },
      MX,
      now,
    );
    expect(range).toEqual({ preset: 'custom', since: '2026-02-01', until: '2026-03-15', timezone: MX });
    expect(crmSince).toBe('2026-02-01T06:00:00.000Z');
    expect(crmUntil).toBe('2026-03-16T06:00:00.000Z');
  });

  it('requires since and until', () => {
    expect(validationError({ preset: 'custom' }, MX, now).message).toMatch(/needs both since and until/);
    const onlySince = validationError({ preset: 'custom', since: '2026-01-01' }, MX, now);
    expect(onlySince.details).toEqual({ fields: ['until'] });
  });

  it('rejects malformed and impossible dates', () => {
    expect(
      validationError({ preset: 'custom', since: '2026-1-01', until: '2026-01-02' }, MX, now).message,
    ).toBe('since must be YYYY-MM-DD');
    expect(
      validationError({ preset: 'custom', since: '2026-01-01', until: '2026-02-30' }, MX, now).message,
    ).toBe('until is not a calendar date: 2026-02-30');
    expect(
      validationError({ preset: 'custom', since: '2026-13-01', until: '2026-02-01' }, MX, now).message,
    ).toMatch(/since is not a calendar date/);
  });

  it('rejects since after until', () => {
    expect(
      validationError({ preset: 'custom', since: '2026-03-02', until: '2026-03-01' }, MX, now).message,
    ).toBe('since (2026-03-02) must be on or before until (2026-03-01)');
  });

  it(`allows ${MAX_CUSTOM_RANGE_DAYS} days and rejects ${MAX_CUSTOM_RANGE_DAYS + 1}`, () => {
    // 2025-02-09 … 2026-03-15 is 400 days inclusive.
    expect(
      resolveReportRange({ preset: 'custom', since: '2025-02-09', until: '2026-03-15' }, MX, now).range.since,
    ).toBe('2025-02-09');
    const error = validationError({ preset: 'custom', since: '2025-02-08', until: '2026-03-15' }, MX, now);
    expect(error.message).toBe('a custom range may span at most 400 days (asked for 401)');
  });

  it('rejects an until after today in the ad account timezone', () => {
    // 2026-03-16 is today in UTC but tomorrow in Mexico City.
    const error = validationError({ preset: 'custom', since: '2026-03-10', until: '2026-03-16' }, MX, now);
    expect(error.message).toBe(
      'until (2026-03-16) is in the future: today is 2026-03-15 in America/Mexico_City',
    );
    expect(
      resolveReportRange({ preset: 'custom', since: '2026-03-10', until: '2026-03-16' }, 'UTC', now).range
        .until,
    ).toBe('2026-03-16');
  });

  it('refuses an unknown timezone instead of silently using UTC', () => {
    expect(() => resolveReportRange({ preset: 'last_7d' }, 'Mars/Olympus', now)).toThrow(/unknown timezone/);
    expect(isValidTimezone('Mars/Olympus')).toBe(false);
    expect(isValidTimezone(MX)).toBe(true);
    expect(isValidTimezone(null)).toBe(false);
  });
});
