import type { ReportDay } from '@crm/contracts/browser';
import { describe, expect, it } from 'vitest';
import { bucketReportDays, mondayOf } from './report-buckets';

function day(iso: string, spend: number, leads: number, revenue = 0): ReportDay {
  return { day: iso, spend, leads, opportunities: leads > 0 ? 1 : 0, sales: revenue > 0 ? 1 : 0, revenue };
}

describe('mondayOf', () => {
  it('gives the Monday on or before a day, across months and years', () => {
    expect(mondayOf('2026-11-23')).toBe('2026-11-23'); // a Monday
    expect(mondayOf('2026-11-29')).toBe('2026-11-23'); // its Sunday
    expect(mondayOf('2026-12-02')).toBe('2026-11-30');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28'); // a Friday
  });
});

describe('bucketReportDays', () => {
  // Thursday 2026-11-19 to Tuesday 2026-12-01: a cut week, a whole week, a cut week.
  const daily: ReportDay[] = [
    day('2026-11-19', 100, 2, 1000),
    day('2026-11-20', 50.1, 0),
    day('2026-11-21', 0, 0),
    day('2026-11-22', 0.2, 1),
    day('2026-11-23', 300, 3, 500.5),
    day('2026-11-24', 0, 0),
    day('2026-11-25', 0, 0),
    day('2026-11-26', 0, 0),
    day('2026-11-27', 0, 0),
    day('2026-11-28', 0, 0),
    day('2026-11-29', 0, 0),
    day('2026-11-30', 80, 0),
    day('2026-12-01', 20, 0),
  ];

  it('adds the days of each Monday-to-Sunday week, weeks cut by the range keeping their own days', () => {
    expect(bucketReportDays(daily, 'week')).toEqual([
      {
        from: '2026-11-19',
        to: '2026-11-22',
        spend: 150.3,
        leads: 3,
        opportunities: 2,
        sales: 1,
        revenue: 1000,
        costPerLead: 50.1,
      },
      {
        from: '2026-11-23',
        to: '2026-11-29',
        spend: 300,
        leads: 3,
        opportunities: 1,
        sales: 1,
        revenue: 500.5,
        costPerLead: 100,
      },
      {
        from: '2026-11-30',
        to: '2026-12-01',
        spend: 100,
        leads: 0,
        opportunities: 0,
        sales: 0,
        revenue: 0,
        costPerLead: null,
      },
    ]);
  });

  it('keeps one bucket per day, with no cost per lead on days without leads', () => {
    const days = bucketReportDays(daily, 'day');
    expect(days).toHaveLength(daily.length);
    expect(days[0]).toMatchObject({ from: '2026-11-19', to: '2026-11-19', spend: 100, costPerLead: 50 });
    expect(days[1]!.costPerLead).toBeNull();
    expect(days.map((bucket) => bucket.costPerLead)).not.toContain(0);
  });

  it('has nothing to add for an empty series', () => {
    expect(bucketReportDays([], 'week')).toEqual([]);
  });
});
