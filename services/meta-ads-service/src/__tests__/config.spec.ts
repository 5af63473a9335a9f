import { randomBytes } from 'node:crypto';
import { ConfigError, parseConfig } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm',
  META_GRAPH_URL: 'http://127.0.0.1:4100',
  META_APP_ID: '1200000000000001',
  META_APP_SECRET: 'sandbox-app-secret',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

describe('MetaAdsConfig', () => {
  it('applies defaults', () => {
    const config = parseConfig(MetaAdsConfig, valid);
    expect(config).toMatchObject({
      HTTP_PORT: 3102,
      META_GRAPH_VERSION: 'v23.0',
      META_HTTP_TIMEOUT_MS: 10000,
      LEADGEN_RETRY_MS: 60000,
      WHATSAPP_UNKNOWN_HORIZON_MS: 86_400_000,
      WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS: 120_000,
    });
  });

  it('reads the evidence grace for unsettled sends (0 .. 1 h)', () => {
    expect(
      parseConfig(MetaAdsConfig, { ...valid, WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS: '500' })
        .WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS,
    ).toBe(500);
    expect(() => parseConfig(MetaAdsConfig, { ...valid, WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS: '-1' })).toThrow(
      /WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS/,
    );
  });

  it('reads LEADGEN_RETRY_MS and refuses a retry period under 100 ms', () => {
    expect(parseConfig(MetaAdsConfig, { ...valid, LEADGEN_RETRY_MS: '5000' }).LEADGEN_RETRY_MS).toBe(5000);
    expect(() => parseConfig(MetaAdsConfig, { ...valid, LEADGEN_RETRY_MS: '10' })).toThrow(
      /LEADGEN_RETRY_MS/,
    );
  });

  it('refuses a key that is not 32 bytes, in one line that does not echo the value', () => {
    const bad = Buffer.alloc(16, 7).toString('base64');
    let error: unknown;
    try {
      parseConfig(MetaAdsConfig, { ...valid, TOKEN_ENCRYPTION_KEY: bad });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/TOKEN_ENCRYPTION_KEY must be base64 of exactly 32 bytes/);
    expect(message).not.toContain(bad);
    expect(message).not.toContain('\n');
  });

  it('requires the app secret and the key (no defaults for secrets)', () => {
    const { META_APP_SECRET: _secret, TOKEN_ENCRYPTION_KEY: _key, ...rest } = valid;
    expect(() => parseConfig(MetaAdsConfig, rest)).toThrow(
      /META_APP_SECRET[\s\S]*TOKEN_ENCRYPTION_KEY|TOKEN_ENCRYPTION_KEY[\s\S]*META_APP_SECRET/,
    );
  });
});
