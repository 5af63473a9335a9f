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

  it("masks bare digits under a phone's key: wa_id, from, to, recipient_id, phone, display_phone_number", () => {
    const lines = [
      '{"contacts":[{"profile":{"name":"Ana"},"wa_id":"5215512345678"}],"messages":[{"from":"5215512345678"}]}',
      '{"statuses":[{"recipient_id":"5215512345678","status":"read"}]}',
      '{"messaging_product":"whatsapp","to":"525512345678","type":"template"}',
      '{"metadata":{"display_phone_number":"15550001234","phone_number_id":"106540352242922"}}',
      'inbound wa_id=5215512345678 from=5215512345678 to=525512345678',
      "{ waId: '5215512345678', leadPhone: '55 1234 5678', displayPhoneNumber: '+52 55 1234 5678' }",
      'duplicate key value: Key (phone)=(5215512345678) already exists',
      'GET /_sandbox/messages?to=5215512345678&limit=5',
    ];
    for (const line of lines) {
      const clean = redactForLog(line);
      expect(clean).not.toMatch(/1234.?5678|0001234/);
      expect(clean).toMatch(/\+\d\d\*+(5678|1234)/);
    }
    expect(redactForLog('{"wa_id":"5215512345678","from":"5215512345678"}')).toBe(
      '{"wa_id":"+52*******5678","from":"+52*******5678"}',
    );
    expect(
      redactForLog('{"metadata":{"display_phone_number":"15550001234","phone_number_id":"106540352242922"}}'),
    ).toBe('{"metadata":{"display_phone_number":"+15*****1234","phone_number_id":"106540352242922"}}');
  });

  it('masks a phone written as a JSON number and keeps the JSON valid', () => {
    const clean = redactForLog(JSON.stringify({ wa_id: 5215512345678, to: 525512345678, count: 3 }));
    expect(JSON.parse(clean)).toEqual({ wa_id: '+52*******5678', to: '+52******5678', count: 3 });
  });

  it("leaves Meta's object ids, dates and other numbers under other keys readable", () => {
    const line = [
      '{"id":"120215362426053955","ad_id":"120215362426053956","page_id":106328016462671,',
      '"campaign_id":"120215362426053950","adset_id":"120215362426053951","phone_number_id":"106540352242922",',
      '"waba_id":"102290129340398","leadgen_id":"9154312515042654","form_id":1795749923731,',
      '"from":"2026-01-01","to":"2026-01-31","timestamp":"1795749923","phoneNumberId":"106540352242922"}',
      ' page_id=106328016462671 to=42 from 5 ms phone_number_id=106540352242922 display_phone_number_id=1065403522',
    ].join('');
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
      logger.warn({ wa_id: 5215587654321, recipient_id: '5215587654321', note: 'bare digits' });
      logger.error(`send failed: ${error.message}`, error.stack);
      const output = written.join('');
      expect(output).toContain('+52*******5678');
      expect(output).toContain('object message');
      expect(output).toContain('bare digits');
      expect(output).toContain('+52*******4321');
      expect(output).toContain('send failed');
      for (const leak of [
        'the-app-secret-123',
        'EAAB',
        'eyJ',
        '5512345678',
        '5587654321',
        WAMID.slice(6, 20),
      ]) {
        expect(output).not.toContain(leak);
      }
    });
  });
});
