import { daysBetween, emptyCounts, rateOf, toFunnel } from './funnel-rates';

describe('funnel rates', () => {
  it('is null, not 0 % or 100 %, when nothing was sent', () => {
    expect(rateOf(0, 0)).toEqual({ count: 0, rate: null });
    const funnel = toFunnel({ ...emptyCounts('lead_followup'), queued: 2, failed: 1 });
    expect(funnel.delivered.rate).toBeNull();
    expect(funnel.converted.rate).toBeNull();
    expect(funnel.failed).toEqual({ count: 1, rate: 1 });
  });

  it('reads delivered/read/replied/converted over sent and failed over sent + failed', () => {
    const funnel = toFunnel({
      ...emptyCounts('post_sale_feedback'),
      queued: 6,
      sent: 4,
      delivered: 3,
      read: 2,
      replied: 1,
      failed: 1,
      converted: 1,
      failedByReason: [
        { reason: 'opted_out', count: 1 },
        { reason: 'meta_rejected', count: 3 },
      ],
    });
    expect(funnel.delivered.rate).toBe(0.75);
    expect(funnel.read.rate).toBe(0.5);
    expect(funnel.replied.rate).toBe(0.25);
    expect(funnel.converted.rate).toBe(0.25);
    expect(funnel.failed.rate).toBe(0.2);
    expect(funnel.failedByReason.map((row) => row.reason)).toEqual(['meta_rejected', 'opted_out']);
  });

  it('lists every day of the range, month ends included', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([]);
  });
});
