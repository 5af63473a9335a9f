import { splitByMonth } from '../report-facts.store';

describe('splitByMonth', () => {
  it('reads the current month whole from the roll-up, minus its days after the range (the future: no rows)', () => {
    expect(splitByMonth('2026-01-01', '2026-11-26')).toEqual({
      months: ['2026-01-01', '2026-11-01'],
      days: [],
      minusDays: [['2026-11-27', '2026-11-30']],
    });
  });

  it('reads a month mostly outside the range as its days in it', () => {
    expect(splitByMonth('2026-08-29', '2026-11-26')).toEqual({
      months: ['2026-09-01', '2026-11-01'],
      days: [['2026-08-29', '2026-08-31']],
      minusDays: [['2026-11-27', '2026-11-30']],
    });
    expect(splitByMonth('2026-08-10', '2026-11-05')).toEqual({
      months: ['2026-08-01', '2026-10-01'],
      days: [['2026-11-01', '2026-11-05']],
      minusDays: [['2026-08-01', '2026-08-09']],
    });
  });

  it('uses whole months only when the range is made of them (leap February included)', () => {
    expect(splitByMonth('2028-02-01', '2028-02-29')).toEqual({
      months: ['2028-02-01', '2028-02-01'],
      days: [],
      minusDays: [],
    });
    expect(splitByMonth('2026-01-01', '2026-12-31')).toEqual({
      months: ['2026-01-01', '2026-12-01'],
      days: [],
      minusDays: [],
    });
  });

  it('within one month: its days, or the month minus the fewer days around them', () => {
    expect(splitByMonth('2026-11-20', '2026-11-26')).toEqual({
      months: null,
      days: [['2026-11-20', '2026-11-26']],
      minusDays: [],
    });
    expect(splitByMonth('2028-02-01', '2028-02-28')).toEqual({
      months: ['2028-02-01', '2028-02-01'],
      days: [],
      minusDays: [['2028-02-29', '2028-02-29']],
    });
    expect(splitByMonth('2026-11-03', '2026-11-26')).toEqual({
      months: ['2026-11-01', '2026-11-01'],
      days: [],
      minusDays: [
        ['2026-11-01', '2026-11-02'],
        ['2026-11-27', '2026-11-30'],
      ],
    });
  });

  it('two partial months: each read the cheaper way', () => {
    expect(splitByMonth('2026-10-15', '2026-11-14')).toEqual({
      months: ['2026-10-01', '2026-10-01'],
      days: [['2026-11-01', '2026-11-14']],
      minusDays: [['2026-10-01', '2026-10-14']],
    });
  });

  it('adds up to exactly the days of the range, for any range', () => {
    const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
    const monthDays = (first: string, last: string) => {
      let n = 0;
      for (let d = new Date(`${first}T00:00:00Z`); d <= new Date(`${last}T00:00:00Z`);) {
        n += new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
        d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
      }
      return n;
    };
    const span = ([a, b]: [string, string]) => day(b) - day(a) + 1;
    for (let since = day('2027-12-20'); since < day('2028-03-10'); since += 3) {
      for (let length = 1; length < 120; length += 7) {
        const iso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
        const parts = splitByMonth(iso(since), iso(since + length - 1));
        const total =
          (parts.months ? monthDays(...parts.months) : 0) +
          parts.days.reduce((sum, range) => sum + span(range), 0) -
          parts.minusDays.reduce((sum, range) => sum + span(range), 0);
        expect(total).toBe(length);
      }
    }
  });
});
