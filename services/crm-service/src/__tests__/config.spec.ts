import { ConfigError, parseConfig } from '@crm/nest-common';
import { CrmConfig } from '../config';

describe('CrmConfig', () => {
  it('defaults HTTP_PORT to 3101 and NATS_URL to the local server', () => {
    const config = parseConfig(CrmConfig, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm' });
    expect(config.HTTP_PORT).toBe(3101);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
  });

  it('reads HTTP_PORT from the environment', () => {
    const config = parseConfig(CrmConfig, { DATABASE_URL: 'postgres://x@y/z', HTTP_PORT: '4000' });
    expect(config.HTTP_PORT).toBe(4000);
  });

  it('refuses a missing DATABASE_URL or a bad port, naming them without echoing values', () => {
    expect(() => parseConfig(CrmConfig, {})).toThrow(ConfigError);
    expect(() => parseConfig(CrmConfig, {})).toThrow(/DATABASE_URL/);
    expect(() =>
      parseConfig(CrmConfig, { DATABASE_URL: 'postgres://u:s3cr3t@h/d', HTTP_PORT: 'abc' }),
    ).toThrow(/HTTP_PORT/);
    expect(() => parseConfig(CrmConfig, { DATABASE_URL: 'mysql://u:s3cr3t@h/d' })).not.toThrow(/s3cr3t/);
  });
});
