import { hmacSha256Hex, safeEqual } from '@crm/nest-common';

const SIGNATURE_HEADER = /^sha256=([0-9a-f]{64})$/i;

/**
 * `X-Hub-Signature-256: sha256=<hex>` must equal HMAC-SHA256(raw body bytes, app secret).
 * Compared in constant time on the exact bytes received (never on re-serialised JSON).
 */
export function isValidMetaSignature(rawBody: Buffer, header: unknown, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const match = SIGNATURE_HEADER.exec(header.trim());
  if (!match) return false;
  return safeEqual(match[1].toLowerCase(), hmacSha256Hex(appSecret, rawBody));
}
