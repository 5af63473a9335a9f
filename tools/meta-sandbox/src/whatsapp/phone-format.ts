import { graphErrors } from '../http/graph-error';

/** Strip `+`, spaces, dashes, dots and parentheses; a valid WhatsApp id has 8–15 digits. */
export const normalisePhone = (input: string): string | undefined => {
  const digits = input.replace(/[\s+\-().]/g, '');
  return /^\d{8,15}$/.test(digits) ? digits : undefined;
};

export const requirePhone = (input: unknown, paramName = 'to'): string => {
  const digits = typeof input === 'string' ? normalisePhone(input) : undefined;
  if (!digits) {
    throw graphErrors.invalidParameter(
      `(#100) Invalid parameter: ${paramName} must be a phone number with 8 to 15 digits`,
    );
  }
  return digits;
};

/** Recipients ending in 0000 are "not on WhatsApp": their sends get `sent` then `failed` (131026). */
export const isUndeliverable = (waId: string): boolean => waId.endsWith('0000');
