import { createHmac } from 'node:crypto';
import { isValidMetaSignature } from './webhook-signature';

const SECRET = 'sandbox-app-secret';
const body = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}', 'utf8');
const sign = (bytes: Buffer, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

describe('Meta webhook signature', () => {
  it('accepts the HMAC-SHA256 of the raw bytes with the app secret', () => {
    expect(isValidMetaSignature(body, sign(body), SECRET)).toBe(true);
    expect(isValidMetaSignature(body, sign(body).toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(
      true,
    );
  });

  it('rejects a signature made with another secret', () => {
    expect(isValidMetaSignature(body, sign(body, 'other-secret'), SECRET)).toBe(false);
  });

  it('rejects a body that differs in any byte, even if it is the same JSON', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 1), 'utf8');
    expect(isValidMetaSignature(reserialised, sign(body), SECRET)).toBe(false);
  });

  it.each([undefined, '', 'sha256=', 'sha1=abcdef', `sha256=${'z'.repeat(64)}`, ['sha256=00']])(
    'rejects a missing or malformed header %p',
    (header) => {
      expect(isValidMetaSignature(body, header, SECRET)).toBe(false);
    },
  );
});
