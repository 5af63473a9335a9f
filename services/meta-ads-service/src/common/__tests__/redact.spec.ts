import { redactSecrets, sanitizeUrl } from '../redact';

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
