import { DomainError } from '@crm/contracts';
import { MetaTransportError } from '../../graph/graph-client';
import { MAX_POLL_INTERVAL_MS, needsReportRun, pollDelayMs, rangeDays } from '../insights-report-run';

describe('insights report runs: when and how', () => {
  it('counts the days of a range, both ends included (leap years too)', () => {
    expect(rangeDays('2026-01-01', '2026-01-01')).toBe(1);
    expect(rangeDays('2026-01-01', '2026-03-31')).toBe(90);
    expect(rangeDays('2028-01-01', '2028-12-31')).toBe(366);
  });

  it('falls back to a report run on code 1, the data-per-call limit, and a timeout — not on other errors', () => {
    const meta = (code: string, details: Record<string, unknown>) =>
      new DomainError(code as 'META_UNAVAILABLE', 'x', details);
    expect(needsReportRun(meta('META_UNAVAILABLE', { metaCode: 1, metaSubcode: 99 }))).toBe(true);
    expect(needsReportRun(meta('META_REJECTED', { metaCode: 100, metaSubcode: 1487534 }))).toBe(true);
    expect(needsReportRun(new MetaTransportError('Meta did not answer in 10000 ms', true))).toBe(true);
    expect(needsReportRun(new MetaTransportError('Meta could not be reached', false))).toBe(false);
    expect(needsReportRun(meta('META_UNAVAILABLE', { metaCode: 2 }))).toBe(false);
    expect(needsReportRun(meta('META_REJECTED', { metaCode: 100, metaSubcode: 33 }))).toBe(false);
    expect(needsReportRun(meta('META_RATE_LIMITED', { metaCode: 80000 }))).toBe(false);
    expect(needsReportRun(new Error('boom'))).toBe(false);
  });

  it('polls with a doubling delay, capped', () => {
    expect([0, 1, 2, 3].map((attempt) => pollDelayMs(2000, attempt))).toEqual([2000, 4000, 8000, 16000]);
    expect(pollDelayMs(2000, 5)).toBe(MAX_POLL_INTERVAL_MS);
    expect(pollDelayMs(2000, 500)).toBe(MAX_POLL_INTERVAL_MS);
  });
});
