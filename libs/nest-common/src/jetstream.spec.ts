import { durableName, retryDelayMs, subjectMatches } from './jetstream';

describe('JetStream helpers', () => {
  it('backs off from 250 ms, doubling, capped at a minute, without overflowing', () => {
    expect([0, 1, 2, 3].map(retryDelayMs)).toEqual([250, 500, 1000, 2000]);
    expect(retryDelayMs(8)).toBe(60_000);
    expect(retryDelayMs(10_000)).toBe(60_000);
  });

  it('makes durable names NATS accepts', () => {
    expect(durableName('crm-service.leadgen')).toBe('crm-service_leadgen');
    expect(durableName('a.b*c>d e')).toBe('a_b_c_d_e');
  });

  it('matches subjects with * and > wildcards', () => {
    expect(subjectMatches('evt.>', 'evt.crm.lead.created')).toBe(true);
    expect(subjectMatches('evt.>', 'evt')).toBe(false);
    expect(subjectMatches('webhook.*', 'webhook.meta.raw')).toBe(false);
    expect(subjectMatches('webhook.*.raw', 'webhook.meta.raw')).toBe(true);
  });
});
