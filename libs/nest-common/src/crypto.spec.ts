import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, hmacSha256Hex, parseEncryptionKey, safeEqual } from './crypto';

describe('secret encryption (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plaintext', () => {
    const sealed = encryptSecret('EAAB-secret-token', key, 'tenant-a');
    expect(sealed).not.toContain('EAAB');
    expect(decryptSecret(sealed, key, 'tenant-a')).toBe('EAAB-secret-token');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('x', key, 't')).not.toBe(encryptSecret('x', key, 't'));
  });

  it('refuses another tenant, another key, or a tampered ciphertext', () => {
    const sealed = encryptSecret('token', key, 'tenant-a');
    expect(() => decryptSecret(sealed, key, 'tenant-b')).toThrow();
    expect(() => decryptSecret(sealed, randomBytes(32), 'tenant-a')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecret(parts.join('.'), key, 'tenant-a')).toThrow();
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => parseEncryptionKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
    expect(parseEncryptionKey(key.toString('base64'))).toHaveLength(32);
  });
});

describe('signatures', () => {
  it('computes the X-Hub-Signature-256 digest and compares in constant time', () => {
    const digest = hmacSha256Hex('secret', '{"a":1}');
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(safeEqual(digest, hmacSha256Hex('secret', '{"a":1}'))).toBe(true);
    expect(safeEqual(digest, hmacSha256Hex('secret', '{"a":2}'))).toBe(false);
    expect(safeEqual(digest, 'short')).toBe(false);
  });
});
