import { createLogger } from './bootstrap';
import { maskPhone, redactForLog, redactSecrets, sanitizeUrl, secretValuesOf, wamidRef } from './redaction';

const TOKEN = 'EAAGm0PX4ZCpsBAKZCxyz1234567890abcdefABCDEF_-';
const SECRET = 'sandbox-app-secret';

describe('secret redaction', () => {
  it('removes known secrets, token-shaped strings, bearer headers and secret query params', () => {
    const text = [
      `token ${TOKEN}`,
      `Authorization: Bearer ${TOKEN}`,
      `https://graph.facebook.com/v23.0/oauth/access_token?client_id=1&client_secret=${SECRET}&fb_exchange_token=abc123`,
      `debug_token?input_token=xyz&access_token=1200000000000001|${SECRET}`,
      `short-lived: ZZZ-not-shaped-like-a-token`,
    ].join('\n');
    const clean = redactSecrets(text, [SECRET, 'ZZZ-not-shaped-like-a-token']);
    expect(clean).not.toContain(TOKEN);
    expect(clean).not.toContain(SECRET);
    expect(clean).not.toContain('abc123');
    expect(clean).not.toContain('input_token=xyz');
    expect(clean).not.toContain('ZZZ-not-shaped-like-a-token');
    expect(clean).toContain('client_id=1');
  });

  it('recognises app tokens (<app id>|<secret>) even when the secret is not known', () => {
    expect(redactSecrets('access 1200000000000001|abcdefghijk')).not.toContain('abcdefghijk');
  });

  it('sanitises URLs to origin, path and the names of harmless params only', () => {
    const url = `http://127.0.0.1:4100/v23.0/debug_token?input_token=${TOKEN}&fields=id,name&access_token=${TOKEN}`;
    const clean = sanitizeUrl(url);
    expect(clean).toBe('http://127.0.0.1:4100/v23.0/debug_token?fields=…');
    expect(clean).not.toContain(TOKEN);
  });

  it('redacts a secret that appears in a path', () => {
    expect(sanitizeUrl(`http://x.test/${TOKEN}/me`, [TOKEN])).not.toContain(TOKEN);
  });
});

describe('log redaction', () => {
  const JWT =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInNpZCI6InMxIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  /** A wamid shaped like Meta's: base64 of an envelope holding the contact's number (5215512345678). */
  const WAMID = `wamid.${Buffer.from('\x1c\x18\r5215512345678\x15\x02\x00\x11\x18\x12ABCDEF0123456789').toString('base64')}`;

  it('masks a phone number to + two digits, stars and the last four, whatever its separators', () => {
    expect(maskPhone('+5215512345678')).toBe('+52*******5678');
    for (const phone of ['+5215512345678', '+52 1 55 1234 5678', '+52-55-1234-5678', '+52 (55) 1234.5678']) {
      const line = redactForLog(`lead created for ${phone}: ok`);
      expect(line).not.toMatch(/1234.?5678/);
      expect(line).toMatch(/lead created for \+52\*+5678: ok/);
    }
  });

  it('leaves ids, timestamps, durations and prose about tokens alone', () => {
    const line =
      'leadgen 9154312515042654 at 1795749923731 page 106328016462671 +5ms; read OAuth tokens in flight';
    expect(redactForLog(line)).toBe(line);
  });

  it('replaces a wamid, which holds the phone number, by a stable reference', () => {
    expect(Buffer.from(WAMID.slice(6), 'base64').toString('latin1')).toContain('5215512345678');
    const line = redactForLog(`wa-in ${WAMID}: created lead`);
    expect(line).toBe(`wa-in ${wamidRef(WAMID)}: created lead`);
    expect(wamidRef(WAMID)).toMatch(/^wamid#[0-9a-f]{12}$/);
    expect(redactForLog(WAMID)).toBe(redactForLog(WAMID));
  });

  it('removes JWTs and the known secrets', () => {
    const line = redactForLog(`cookie crm_session=${JWT}; key s3cr3t-value-xyz`, ['s3cr3t-value-xyz']);
    expect(line).toBe('cookie crm_session=[redacted]; key [redacted]');
    expect(redactSecrets(`Bearer-less ${JWT}`)).not.toContain('eyJ');
    const state = `${Buffer.from('{"tid":"t","nonce":"n"}').toString('base64url')}.${'m'.repeat(43)}`;
    expect(redactSecrets(`state=${state} refused`)).toBe('state=[redacted] refused');
  });

  it("finds the secrets of an environment or a config: *_SECRET/_PASSWORD/_TOKEN/_KEY and URLs' passwords", () => {
    const secrets = secretValuesOf({
      SESSION_SECRET: 'session-secret-1234',
      NATS_PASSWORD: 'nats-password-1234',
      META_WEBHOOK_VERIFY_TOKEN: 'verify-token-1234',
      TOKEN_ENCRYPTION_KEY: 'encryption-key-1234',
      DATABASE_URL: 'postgres://crm_app:db%2Fpassword-1234@127.0.0.1:5432/crm',
      REDIS_URL: 'redis://127.0.0.1:6379',
      HTTP_PORT: 3000,
      SHORT_SECRET: 'abc',
      PUBLIC_URL: 'http://127.0.0.1:3000',
    });
    expect(secrets.sort()).toEqual(
      [
        'db/password-1234',
        'encryption-key-1234',
        'nats-password-1234',
        'session-secret-1234',
        'verify-token-1234',
      ].sort(),
    );
  });

  describe.each([
    ['text', undefined],
    ['json', 'json'],
  ])("the services' logger (%s)", (_format, logFormat) => {
    let written: string[];
    let restore: () => void;
    beforeEach(() => {
      const previous = process.env.LOG_FORMAT;
      if (logFormat) process.env.LOG_FORMAT = logFormat;
      else delete process.env.LOG_FORMAT;
      written = [];
      const spies = [process.stdout, process.stderr].map((stream) =>
        jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          written.push(String(chunk));
          return true;
        }),
      );
      restore = () => {
        spies.forEach((spy) => spy.mockRestore());
        if (previous === undefined) delete process.env.LOG_FORMAT;
        else process.env.LOG_FORMAT = previous;
      };
    });
    afterEach(() => restore());

    it('never writes a secret, a token, a JWT, a phone or a wamid, in messages or stacks', () => {
      const logger = createLogger('test', 'log', ['the-app-secret-123']);
      const error = new Error(`duplicate key (phone)=(+5215512345678) for ${WAMID}`);
      logger.log(`token EAAB${'x'.repeat(30)} secret the-app-secret-123 jwt ${JWT}`);
      logger.warn({ phone: '+5215512345678', note: 'object message' });
      logger.error(`send failed: ${error.message}`, error.stack);
      const output = written.join('');
      expect(output).toContain('+52*******5678');
      expect(output).toContain('object message');
      expect(output).toContain('send failed');
      for (const leak of ['the-app-secret-123', 'EAAB', 'eyJ', '5512345678', WAMID.slice(6, 20)]) {
        expect(output).not.toContain(leak);
      }
    });
  });
});
