import { createHash } from 'node:crypto';

/** 32-bit seed from any string (first 4 bytes of its SHA-256): the same on every machine. */
export const seedFromString = (key: string): number =>
  createHash('sha256').update(key).digest().readUInt32BE(0);

/** mulberry32: small, fast, deterministic PRNG returning floats in [0, 1). */
export const createPrng = (seed: number | string): (() => number) => {
  let state = (typeof seed === 'string' ? seedFromString(seed) : seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Float in [min, max) drawn from `rand`. */
export const between = (rand: () => number, min: number, max: number): number => min + (max - min) * rand();

/**
 * A realistic numeric-string id: `prefix` followed by digits derived from SHA-256(`namespace:key`), total `length`
 * digits. Stable across runs and machines, and independent of the order in which ids are generated.
 */
export const numericId = (key: string, prefix: string, length: number): string => {
  const digest = createHash('sha256').update(`crm-ventas-meta-sandbox:${key}`).digest();
  let digits = '';
  for (const byte of digest) digits += String(byte % 10);
  return (prefix + digits).slice(0, length);
};
