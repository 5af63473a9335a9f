import { E164_PATTERN } from './model/crm';

/**
 * Bring a phone number to the one form leads are stored and matched in.
 *
 * - Spaces, dashes, dots and parentheses are dropped; a leading `00` becomes `+`.
 * - Mexican mobile numbers are stored with the `1` WhatsApp still reports (`wa_id` 521XXXXXXXXXX):
 *   `+52 55 1234 5678` and `+521 55 1234 5678` are the same person, so both become `+5215512345678`.
 *   Otherwise a lead typed by a seller and the same contact writing on WhatsApp would be two leads.
 *
 * Returns `null` when the result is not E.164.
 */
export function normalizePhone(input: string): string | null {
  let phone = input.trim().replace(/[\s\-().]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  if (!E164_PATTERN.test(phone)) return null;
  const mexicanWithoutMobilePrefix = /^\+52(\d{10})$/.exec(phone);
  if (mexicanWithoutMobilePrefix) phone = `+521${mexicanWithoutMobilePrefix[1]}`;
  return phone;
}
