import { checkRate, parseFxCsv } from '../fx-csv';

describe('parseFxCsv', () => {
  it('reads a header in any order and case, commas or semicolons with a decimal comma, skipping blank lines', () => {
    expect(parseFxCsv('Rate,Day,From,To\r\n17.5,2026-01-01,usd,mxn\r\n\r\n')).toEqual([
      { day: '2026-01-01', from: 'USD', to: 'MXN', rate: 17.5 },
    ]);
    expect(parseFxCsv('\uFEFFday;from;to;rate\n2026-01-02;EUR;MXN;19,75\n')).toEqual([
      { day: '2026-01-02', from: 'EUR', to: 'MXN', rate: 19.75 },
    ]);
  });

  it('fails the whole file on the first bad line, naming it', () => {
    expect(() => parseFxCsv('day,from,to,rate\n2026-01-01,USD,MXN,17\n2026-01-02,USD,MXN,1e3\n')).toThrow(
      /line 3: rate/,
    );
    expect(() => parseFxCsv('day,from,to,rate\n2026-13-01,USD,MXN,17\n')).toThrow(/line 2: day/);
    expect(() => parseFxCsv('day,from,to,rate\n2026-01-01,USD,ZZZ,17\n')).toThrow(
      /line 2: to must be an ISO 4217/,
    );
    expect(() => parseFxCsv('day,from,to\n2026-01-01,USD,MXN\n')).toThrow(/name the columns/);
    expect(() => parseFxCsv('day,from,to,rate\n')).toThrow(/no rates/);
  });
});

describe('checkRate', () => {
  it('refuses a pair of one currency, a rate of 0 and an impossible date', () => {
    const rate = { day: '2026-01-01', from: 'USD', to: 'MXN', rate: 17 };
    expect(checkRate(rate)).toBe(rate);
    expect(() => checkRate({ ...rate, to: 'USD' })).toThrow(/differ/);
    expect(() => checkRate({ ...rate, rate: 0 })).toThrow(/rate/);
    expect(() => checkRate({ ...rate, day: '2026-02-29' })).toThrow(/day/);
  });
});
