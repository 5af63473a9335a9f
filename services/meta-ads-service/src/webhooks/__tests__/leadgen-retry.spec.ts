import { DEFERRABLE_LEADGEN_CODES, MAX_LEADGEN_RETRY_DELAY_MS, leadgenRetryDelayMs } from '../leadgen-retry';

describe('leadgenRetryDelayMs', () => {
  it('waits one period after the first failure, then doubles', () => {
    expect(leadgenRetryDelayMs(60_000, 1)).toBe(60_000);
    expect(leadgenRetryDelayMs(60_000, 2)).toBe(120_000);
    expect(leadgenRetryDelayMs(60_000, 4)).toBe(480_000);
  });

  it('never waits more than an hour, even after many failures', () => {
    expect(leadgenRetryDelayMs(60_000, 7)).toBe(MAX_LEADGEN_RETRY_DELAY_MS);
    expect(leadgenRetryDelayMs(60_000, 10_000)).toBe(MAX_LEADGEN_RETRY_DELAY_MS);
  });

  it('treats a missing or zero attempt count as the first failure', () => {
    expect(leadgenRetryDelayMs(500, 0)).toBe(500);
  });
});

describe('DEFERRABLE_LEADGEN_CODES', () => {
  it('keeps leads for token, permission, rate-limit and outage failures but not for rejections', () => {
    expect(DEFERRABLE_LEADGEN_CODES).toEqual(
      expect.arrayContaining([
        'META_TOKEN_EXPIRED',
        'META_PERMISSION',
        'META_RATE_LIMITED',
        'META_UNAVAILABLE',
      ]),
    );
    expect(DEFERRABLE_LEADGEN_CODES).not.toContain('META_REJECTED');
  });
});
