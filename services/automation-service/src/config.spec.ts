import { ConfigError, parseConfig } from '@crm/nest-common';
import { AutomationConfig, deprecatedSettingsIn } from './config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm' };

describe('AutomationConfig', () => {
  it('has the documented defaults', () => {
    const config = parseConfig(AutomationConfig, base);
    expect(config.HTTP_PORT).toBe(3104);
    expect(config.SCHEDULER_POLL_MS).toBe(1000);
    expect(config.SEND_CLAIM_LEASE_MS).toBe(30_000);
  });

  it('reads numbers from the environment', () => {
    const config = parseConfig(AutomationConfig, {
      ...base,
      SCHEDULER_POLL_MS: '500',
      SEND_CLAIM_LEASE_MS: '5000',
    });
    expect(config.SCHEDULER_POLL_MS).toBe(500);
    expect(config.SEND_CLAIM_LEASE_MS).toBe(5000);
  });

  it('refuses a claim lease too short to prepare a send, and a missing database', () => {
    expect(() => parseConfig(AutomationConfig, { ...base, SEND_CLAIM_LEASE_MS: '500' })).toThrow(ConfigError);
    expect(() => parseConfig(AutomationConfig, { SCHEDULER_POLL_MS: '500' })).toThrow(/DATABASE_URL/);
  });

  it('still starts with the retired SEND_STUCK_AFTER_MS set (any value), and says once that it is ignored', () => {
    const env = { ...base, SEND_STUCK_AFTER_MS: '5000' };
    expect(() => parseConfig(AutomationConfig, env)).not.toThrow();
    expect(deprecatedSettingsIn(env)).toEqual([
      expect.stringMatching(/^SEND_STUCK_AFTER_MS is no longer used and is ignored/),
    ]);
    expect(deprecatedSettingsIn(base)).toEqual([]);
  });
});
