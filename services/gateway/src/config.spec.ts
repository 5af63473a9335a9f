import { ConfigError, parseConfig } from '@crm/nest-common';
import { GatewayConfig, metaCallbackUrl } from './config';

const env = {
  NATS_URL: 'nats://127.0.0.1:4222',
  SESSION_SECRET: 's'.repeat(32),
  OAUTH_STATE_SECRET: 'o'.repeat(32),
  META_APP_ID: '1200000000000001',
  META_APP_SECRET: 'sandbox-app-secret',
  META_WEBHOOK_VERIFY_TOKEN: 'verify-token-123',
};

describe('GatewayConfig', () => {
  it('needs no DATABASE_URL and fills the documented defaults', () => {
    const config = parseConfig(GatewayConfig, env);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config).toMatchObject({
      HTTP_PORT: 3000,
      HTTP_HOST: '127.0.0.1',
      COOKIE_SECURE: true,
      SESSION_TTL_SECONDS: 43_200,
      META_GRAPH_VERSION: 'v23.0',
    });
    expect(config.FRONTEND_DIST).toMatch(/frontend[\\/]dist$/);
  });

  it('parses COOKIE_SECURE=false and numeric ports', () => {
    const config = parseConfig(GatewayConfig, { ...env, COOKIE_SECURE: 'false', HTTP_PORT: '3999' });
    expect(config.COOKIE_SECURE).toBe(false);
    expect(config.HTTP_PORT).toBe(3999);
  });

  it('refuses missing secrets, naming each variable but never echoing values', () => {
    const { SESSION_SECRET: _s, META_APP_SECRET: _m, ...rest } = env;
    expect(() => parseConfig(GatewayConfig, rest)).toThrow(ConfigError);
    let message = '';
    try {
      parseConfig(GatewayConfig, { ...rest, OAUTH_STATE_SECRET: 'short' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SESSION_SECRET');
    expect(message).toContain('META_APP_SECRET');
    expect(message).toContain('OAUTH_STATE_SECRET');
    expect(message).not.toContain('short');
  });

  it('validates the NATS fields it shares with every service (NatsServiceConfig)', () => {
    expect(() => parseConfig(GatewayConfig, { ...env, NATS_URL: 'http://127.0.0.1:4222' })).toThrow(
      /NATS_URL must be a nats:\/\/ URL/,
    );
    const config = parseConfig(GatewayConfig, {
      ...env,
      NATS_URL: 'tls://nats.internal:4222',
      NATS_USER: 'gateway',
      NATS_PASSWORD: 'pw-gateway',
      NATS_TLS_CA: '/etc/nats/ca.pem',
    });
    expect(config).toMatchObject({
      NATS_URL: 'tls://nats.internal:4222',
      NATS_USER: 'gateway',
      NATS_PASSWORD: 'pw-gateway',
      NATS_TLS_CA: '/etc/nats/ca.pem',
    });
  });

  it('refuses the same secret for sessions and OAuth state', () => {
    expect(() => parseConfig(GatewayConfig, { ...env, OAUTH_STATE_SECRET: env.SESSION_SECRET })).toThrow(
      /OAUTH_STATE_SECRET must be different from SESSION_SECRET/,
    );
  });

  it('refuses a non-boolean COOKIE_SECURE and a PUBLIC_URL with a path', () => {
    expect(() => parseConfig(GatewayConfig, { ...env, COOKIE_SECURE: 'maybe' })).toThrow(/COOKIE_SECURE/);
    expect(() => parseConfig(GatewayConfig, { ...env, PUBLIC_URL: 'http://x.test/app/' })).toThrow(
      /PUBLIC_URL/,
    );
  });

  it('builds the OAuth redirect_uri from PUBLIC_URL', () => {
    expect(metaCallbackUrl({ PUBLIC_URL: 'https://crm.example.com' })).toBe(
      'https://crm.example.com/crm/auth/meta/callback',
    );
  });
});
