import { crmRetentionRules } from './retention';

describe('crm-service retention rules', () => {
  it('defaults: published outbox 7 days, resolved dead letters 90, processed event keys 45, ended sessions and imports 30, access changes 1', () => {
    expect(crmRetentionRules({}, {}).map((rule) => [rule.table, rule.days])).toEqual([
      ['crm.outbox', 7],
      ['crm.dead_letters', 90],
      ['crm.processed_events', 45],
      ['crm.sessions', 30],
      ['crm.lead_imports', 30],
      ['crm.access_changes', 1],
    ]);
    expect(crmRetentionRules({ RETENTION_SESSIONS_DAYS: 7 }, {}).at(-3)).toMatchObject({ days: 7 });
    expect(crmRetentionRules({ RETENTION_LEAD_IMPORTS_DAYS: 3 }, {}).at(-2)).toMatchObject({ days: 3 });
  });

  it('refuses processed event keys that would expire before a stream message can no longer come back', () => {
    expect(() => crmRetentionRules({ RETENTION_PROCESSED_EVENTS_DAYS: 30 }, {})).toThrow(
      /RETENTION_PROCESSED_EVENTS_DAYS \(30\) must be longer than the longest JetStream max age \(720 h\)/,
    );
    expect(() =>
      crmRetentionRules({ RETENTION_PROCESSED_EVENTS_DAYS: 30 }, { JETSTREAM_EVENTS_MAX_AGE_HOURS: '240' }),
    ).not.toThrow();
  });
});
