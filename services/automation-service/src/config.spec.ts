import { ConfigError, parseConfig } from '@crm/nest-common';
import { AutomationConfig } from './config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm' };

describe('AutomationConfig', () => {
  it('has the documented defaults', () => {
    const config = parseConfig(AutomationConfig, base);
    expect(config.HTTP_PORT).toBe(3104);
    expect(config.SCHEDULER_POLL_MS).toBe(1000);
    expect(config.SEND_STUCK_AFTER_MS).toBe(120_000);
  });

  it('reads numbers from the environment', () => {
    const config = parseConfig(AutomationConfig, {
      ...base,
      SCHEDULER_POLL_MS: '500',
      SEND_STUCK_AFTER_MS: '300000',
    });
    expect(config.SCHEDULER_POLL_MS).toBe(500);
    expect(config.SEND_STUCK_AFTER_MS).toBe(300_000);
  });

  it('refuses a stuck threshold shorter than an attempt can take, and a missing database', () => {
    expect(() => parseConfig(AutomationConfig, { ...base, SEND_STUCK_AFTER_MS: '5000' })).toThrow(
      ConfigError,
    );
    expect(() => parseConfig(AutomationConfig, { SCHEDULER_POLL_MS: '500' })).toThrow(/DATABASE_URL/);
  });
});
