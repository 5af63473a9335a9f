import { splitByMonth } from '../report-facts.store';

describe('splitByMonth', () => {
  it('reads whole months from the roll-up and the days around them from the daily facts', () => {
    expect(splitByMonth('2026-01-01', '2026-11-26')).toEqual({
      months: ['2026-01-01', '2026-10-01'],
      days: [['2026-11-01', '2026-11-26']],
    });
    expect(splitByMonth('2026-08-29', '2026-11-26')).toEqual({
      months: ['2026-09-01', '2026-10-01'],
      days: [
        ['2026-08-29', '2026-08-31'],
        ['2026-11-01', '2026-11-26'],
      ],
    });
  });

  it('uses whole months only when the range is made of them (leap February included)', () => {
    expect(splitByMonth('2028-02-01', '2028-02-29')).toEqual({
      months: ['2028-02-01', '2028-02-01'],
      days: [],
    });
    expect(splitByMonth('2026-01-01', '2026-12-31')).toEqual({
      months: ['2026-01-01', '2026-12-01'],
      days: [],
    });
  });

  it('uses days only when no month is whole', () => {
    expect(splitByMonth('2026-11-20', '2026-11-26')).toEqual({
      months: null,
      days: [['2026-11-20', '2026-11-26']],
    });
    expect(splitByMonth('2026-10-15', '2026-11-14')).toEqual({
      months: null,
      days: [['2026-10-15', '2026-11-14']],
    });
    expect(splitByMonth('2028-02-01', '2028-02-28')).toEqual({
      months: null,
      days: [['2028-02-01', '2028-02-28']],
    });
  });
});
