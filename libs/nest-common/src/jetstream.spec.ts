import { durableName, retryDelayMs, streamLimitsFromEnv, subjectMatches } from './jetstream';

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

describe('stream limits', () => {
  it('defaults: webhook bodies 72 h and 1 GiB, events 30 days without a size limit', () => {
    expect(streamLimitsFromEnv({})).toEqual({
      META_WEBHOOKS: { maxAgeHours: 72, maxBytes: 1024 ** 3 },
      CRM_EVENTS: { maxAgeHours: 720, maxBytes: -1 },
    });
  });

  it('reads the env and refuses an age shorter than the duplicate window or a bad number', () => {
    const env = { JETSTREAM_WEBHOOKS_MAX_AGE_HOURS: '48', JETSTREAM_EVENTS_MAX_BYTES: '5000000' };
    expect(streamLimitsFromEnv(env)).toEqual({
      META_WEBHOOKS: { maxAgeHours: 48, maxBytes: 1024 ** 3 },
      CRM_EVENTS: { maxAgeHours: 720, maxBytes: 5_000_000 },
    });
    expect(() => streamLimitsFromEnv({ JETSTREAM_WEBHOOKS_MAX_AGE_HOURS: '12' })).toThrow(
      'JETSTREAM_WEBHOOKS_MAX_AGE_HOURS must be an integer >= 24 (got "12")',
    );
    expect(() => streamLimitsFromEnv({ JETSTREAM_EVENTS_MAX_BYTES: 'lots' })).toThrow(
      /JETSTREAM_EVENTS_MAX_BYTES/,
    );
  });
});
