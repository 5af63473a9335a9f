import {
  LEAD_SOURCES,
  normalizePhone,
  type LeadImportMapping,
  type LeadImportRejectReason,
  type LeadSource,
} from '@crm/contracts';

/** What a valid CSV row becomes (still to be checked for duplicates). */
export type ImportCandidate = {
  name: string;
  phone: string;
  email: string | null;
  tags: string[];
  notes: string | null;
  source: LeadSource;
};

export type RowVerdict = { ok: ImportCandidate } | { reject: LeadImportRejectReason };

const MAX_NAME = 200;
const MAX_NOTES = 5000;
const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 50;
/** Pragmatic: something@something.tld, no spaces. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Country calling code by the region of a tenant's locale (`es-MX` → 52). Unknown regions: Mexico. */
const CALLING_CODES: Record<string, string> = {
  MX: '52',
  US: '1',
  CA: '1',
  CO: '57',
  AR: '54',
  CL: '56',
  PE: '51',
  ES: '34',
  GT: '502',
  EC: '593',
};
export const DEFAULT_CALLING_CODE = '52';

export function callingCodeOf(locale: string | null | undefined): string {
  const region = locale?.split('-')[1]?.toUpperCase();
  return (region && CALLING_CODES[region]) || DEFAULT_CALLING_CODE;
}

/**
 * A phone as people write it in a spreadsheet, in E.164 (see `normalizePhone`): `+52 55 1234 5678` and
 * `0052…` as they are; a number without `+` gets the tenant's calling code unless it already starts with it and is
 * long enough to include it (`5215512345678`, `525512345678`). Excel's `5.51234E+09` is not a phone.
 */
export function importedPhone(raw: string, callingCode: string): string | null {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  if (trimmed.startsWith('+') || trimmed.startsWith('00')) return normalizePhone(trimmed);
  if (/[^\d\s\-().]/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 7) return null;
  const national =
    digits.startsWith(callingCode) && digits.length > 10 ? digits.slice(callingCode.length) : digits;
  return normalizePhone(`+${callingCode}${national}`);
}

/** Source column: a source code (any case, `meta_ads`, `Referral`) or, when blank or unknown, `IMPORT`. */
export function importedSource(raw: string | undefined): LeadSource {
  const code = raw
    ?.trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return (LEAD_SOURCES as readonly string[]).includes(code ?? '') ? (code as LeadSource) : 'IMPORT';
}

/** Tags cell: separated by commas, semicolons or `|`; trimmed, blanks and repeats dropped. */
export function importedTags(raw: string | undefined): string[] {
  if (!raw) return [];
  return [
    ...new Set(
      raw
        .split(/[,;|]/)
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * One CSV row (its cells, the header's width) read through the mapping: a lead to create, or why not. Pure: the
 * duplicate checks (in the file, in the tenant) come after, with the database.
 */
export function readImportRow(
  cells: readonly string[],
  columns: number,
  mapping: LeadImportMapping,
  callingCode: string,
): RowVerdict {
  if (cells.length !== columns) return { reject: 'column_count' };
  const cell = (field: keyof LeadImportMapping): string | undefined =>
    mapping[field] === undefined ? undefined : cells[mapping[field]]?.trim();

  const name = cell('name')?.replace(/\s+/g, ' ');
  if (!name) return { reject: 'name_missing' };
  const rawPhone = cell('phone');
  if (!rawPhone) return { reject: 'phone_missing' };
  const phone = importedPhone(rawPhone, callingCode);
  if (!phone) return { reject: 'phone_invalid' };
  const email = cell('email')?.toLowerCase() || null;
  if (email && (!EMAIL_PATTERN.test(email) || email.length > 254)) return { reject: 'email_invalid' };
  const notes = cell('notes') || null;
  if (notes && notes.length > MAX_NOTES) return { reject: 'notes_too_long' };
  const tags = importedTags(cell('tags'));
  if (tags.length > MAX_TAGS || tags.some((tag) => tag.length > MAX_TAG_LENGTH)) {
    return { reject: 'too_many_tags' };
  }
  return {
    ok: { name: name.slice(0, MAX_NAME), phone, email, tags, notes, source: importedSource(cell('source')) },
  };
}
