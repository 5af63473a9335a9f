import { readUsageHeaders } from '../usage-headers';

const headers = (values: Record<string, string>) => new Headers(values);

describe("Meta's rate-limit headers", () => {
  it('takes the highest utilisation across the three headers', () => {
    const usage = readUsageHeaders(
      headers({
        'x-app-usage': JSON.stringify({ call_count: 28, total_time: 25, total_cputime: 25 }),
        'x-ad-account-usage': JSON.stringify({ acc_id_util_pct: 9.67, reset_time_duration: 100 }),
        'x-business-use-case-usage': JSON.stringify({
          '123': [
            {
              type: 'ads_insights',
              call_count: 97,
              total_cputime: 23,
              total_time: 23,
              estimated_time_to_regain_access: 0,
            },
          ],
        }),
      }),
    );
    expect(usage).toEqual({ maxPercent: 97, regainAccessMinutes: null });
  });

  it('reads estimated_time_to_regain_access (minutes), the largest of all entries', () => {
    const usage = readUsageHeaders(
      headers({
        'x-business-use-case-usage': JSON.stringify({
          a: [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 5 }],
          b: [{ type: 'ads_insights', call_count: 40, estimated_time_to_regain_access: 12 }],
        }),
      }),
    );
    expect(usage).toEqual({ maxPercent: 100, regainAccessMinutes: 12 });
  });

  it('ignores missing or malformed headers', () => {
    expect(readUsageHeaders(headers({ 'x-app-usage': 'not json' }))).toEqual({
      maxPercent: null,
      regainAccessMinutes: null,
    });
  });
});
