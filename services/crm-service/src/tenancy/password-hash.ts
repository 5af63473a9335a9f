import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { compare as bcryptCompare } from 'bcryptjs';

/**
 * Password hashes: `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>` (self-describing, so the cost can rise
 * later without breaking old hashes). Node's `crypto.scrypt` runs on the libuv thread pool: hashing never blocks
 * the event loop. Hashes written before issue 9 are bcrypt (`$2a$…`/`$2b$…`); they still verify and are re-hashed
 * to scrypt on the next successful login (`needsRehash`).
 */
export const SCRYPT_LOG2_N = 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PREFIX = 'scrypt';

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: 128·N·r bytes plus headroom (N = 2^15, r = 8 → 32 MiB, the default limit exactly).
    const maxmem = 256 * (options.N ?? 1) * (options.r ?? 8);
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, { N: 2 ** SCRYPT_LOG2_N, r: SCRYPT_R, p: SCRYPT_P });
  return [PREFIX, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

/** Does `password` match `stored` (scrypt or legacy bcrypt)? An unknown format never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$2')) return bcryptCompare(password, stored);
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (![logN, r, p].every((n) => Number.isInteger(n) && n > 0) || logN > 20) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await scryptAsync(password, salt, { N: 2 ** logN, r, p });
  return timingSafeEqual(key, expected);
}

/** A stored hash that is not today's scrypt format and cost: re-hash it after the password is proven. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`${PREFIX}$${SCRYPT_LOG2_N}$${SCRYPT_R}$${SCRYPT_P}$`);
}
