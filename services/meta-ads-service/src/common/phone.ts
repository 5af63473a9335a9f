import { E164_PATTERN } from '@crm/contracts';

/**
 * Bring a phone number typed into a Lead Ads form to E.164: drop spaces, dashes, dots and parentheses, read a
 * leading `00` as `+`. Numbers without a country code cannot be placed with certainty and give `undefined`.
 */
export function normaliseToE164(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  let phone = input.trim().replace(/[\s\-().\u00a0]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  return E164_PATTERN.test(phone) ? phone : undefined;
}

/** WhatsApp `wa_id` (digits, no `+`) → E.164, or `undefined` when it is not a phone number (e.g. a BSUID). */
export function waIdToE164(waId: string | undefined | null): string | undefined {
  if (!waId || !/^\d+$/.test(waId)) return undefined;
  const phone = `+${waId}`;
  return E164_PATTERN.test(phone) ? phone : undefined;
}
