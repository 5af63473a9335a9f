import { hashSync } from 'bcryptjs';
import { hashPassword, needsRehash, verifyPassword } from './password-hash';

describe('password hashing (scrypt, bcrypt legacy)', () => {
  it('hashes with scrypt in a self-describing format, a fresh salt each time', async () => {
    const first = await hashPassword('clave-de-prueba-1');
    const second = await hashPassword('clave-de-prueba-1');
    expect(first).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(second).not.toBe(first);
    await expect(verifyPassword('clave-de-prueba-1', first)).resolves.toBe(true);
    await expect(verifyPassword('clave-de-prueba-2', first)).resolves.toBe(false);
    expect(needsRehash(first)).toBe(false);
  });

  it('verifies a legacy bcrypt hash, and marks it for re-hashing', async () => {
    const legacy = hashSync('clave-de-prueba-1', 4);
    await expect(verifyPassword('clave-de-prueba-1', legacy)).resolves.toBe(true);
    await expect(verifyPassword('otra', legacy)).resolves.toBe(false);
    expect(needsRehash(legacy)).toBe(true);
  });

  it('reads the cost from the hash (a lower old cost still verifies, and is re-hashed)', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('clave', salt, 32, { N: 2 ** 10, r: 8, p: 1 });
    const cheap = `scrypt$10$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    await expect(verifyPassword('clave', cheap)).resolves.toBe(true);
    expect(needsRehash(cheap)).toBe(true);
  });

  it('never matches a malformed or unknown hash', async () => {
    for (const stored of ['', 'plain', 'scrypt$15$8$1$abc', 'scrypt$99$8$1$AAAA$AAAA', 'md5$x']) {
      await expect(verifyPassword('x', stored)).resolves.toBe(false);
    }
  });

  it('does not block the event loop while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    await hashPassword('clave-de-prueba-1');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});
