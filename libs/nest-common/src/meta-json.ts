import { isLosslessNumber, parse } from 'lossless-json';

/** A body from Meta that is not JSON (or nests deeper than the parser can follow). */
export class MetaJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetaJsonError';
  }
}

/** `id`, `ad_id`, `leadgen_id`, `phoneNumberId`…: keys whose numbers are identifiers, not quantities. */
export function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id') || key.endsWith('Id');
}

const INTEGER_TEXT = /^-?\d+$/;
const NUL = String.fromCharCode(0);
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store: NUL (U+0000) removed, unpaired UTF-16 surrogates replaced by U+FFFD. Meta passes on
 * whatever a person typed, and `text`/`jsonb` refuse both.
 */
export function cleanMetaText(text: string): string {
  const hasNul = text.includes(NUL);
  if (!hasNul && !SURROGATE.test(text)) return text;
  return (hasNul ? text.replaceAll(NUL, '') : text).replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * A number as we keep it: an id (by key) keeps its digits exactly as Meta wrote them, as a string; an integer
 * beyond `Number.MAX_SAFE_INTEGER` (or a value beyond the double range) too; anything else is a plain number.
 */
function reviveNumber(key: string, text: string): string | number {
  if (isIdKey(key)) return text;
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  if (INTEGER_TEXT.test(text) && !Number.isSafeInteger(value)) return text;
  return value;
}

function cleanKeys(value: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(value).some((key) => cleanMetaText(key) !== key)) return value;
  const cleaned: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) cleaned[cleanMetaText(key)] = item;
  return cleaned;
}

function revive(key: string, value: unknown): unknown {
  if (isLosslessNumber(value)) return reviveNumber(key, value.value);
  if (typeof value === 'string') return cleanMetaText(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return cleanKeys(value as Record<string, unknown>);
  }
  return value;
}

/**
 * Parse JSON from Meta (webhook bodies, Graph answers) without losing digits: Meta documents ids as JSON numbers,
 * and `JSON.parse` rounds `120215362426053955` to `120215362426053950`. Ids (see `isIdKey`) and integers beyond
 * 2^53 become strings, every other number stays a number, and every string is `cleanMetaText`-ed. Invalid JSON,
 * duplicate keys with different values and nesting too deep to follow are a `MetaJsonError`.
 */
export function parseMetaJson(text: string): unknown {
  try {
    return parse(text, revive);
  } catch (error) {
    if (error instanceof RangeError) throw new MetaJsonError('JSON nests too deeply');
    throw new MetaJsonError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
