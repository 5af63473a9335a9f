import { createHash } from 'node:crypto';

/** Query parameters whose values are secrets (tokens, app secret, OAuth codes). */
const SECRET_PARAMS = [
  'access_token',
  'input_token',
  'fb_exchange_token',
  'client_secret',
  'code',
  'appsecret_proof',
];

const SECRET_PARAM_PATTERN = new RegExp(`((?:^|[?&\\s"'])(?:${SECRET_PARAMS.join('|')})=)[^&\\s"']+`, 'gi');
/** Meta user/page/system-user tokens start with EAA; app tokens are `<app id>|<secret>`. */
const TOKEN_PATTERN = /\bEAA[A-Za-z0-9_\-.]{16,}/g;
const APP_TOKEN_PATTERN = /\b\d{5,30}\|[A-Za-z0-9_-]{8,}/g;
/** An `Authorization` value: the scheme and a credential (16+ token characters, so prose like "OAuth tokens" stays). */
const BEARER_PATTERN = /\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/=|-]{16,}/gi;
/**
 * A JSON Web Token (the session cookie's value) or the gateway's signed OAuth `state` (`<base64url JSON>.<mac>`): a
 * base64url JSON object (`eyJ` is `{"`), a dot, a signature or payload, maybe a second dot and a signature.
 */
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*)?/g;

/**
 * Remove secrets from text that may reach a log, an error message or an RPC reply: known secret values, secret
 * query parameters, anything shaped like a Meta token or a JWT, and `Authorization` header values.
 */
export function redactSecrets(
  text: string,
  knownSecrets: readonly (string | undefined | null)[] = [],
): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(SECRET_PARAM_PATTERN, '$1[redacted]')
    .replace(BEARER_PATTERN, '$1 [redacted]')
    .replace(JWT_PATTERN, '[redacted]')
    .replace(APP_TOKEN_PATTERN, '[redacted]')
    .replace(TOKEN_PATTERN, '[redacted]');
}

/** A URL fit for logs: origin + path only, and any secret that slipped into the path redacted. */
export function sanitizeUrl(url: string, knownSecrets: readonly (string | undefined | null)[] = []): string {
  try {
    const parsed = new URL(url);
    const params = [...parsed.searchParams.keys()].filter((key) => !SECRET_PARAMS.includes(key));
    const query = params.length > 0 ? `?${params.map((key) => `${key}=…`).join('&')}` : '';
    return redactSecrets(`${parsed.origin}${parsed.pathname}${query}`, knownSecrets);
  } catch {
    return redactSecrets(url, knownSecrets);
  }
}

/**
 * A phone number as logs show it: `+`, the first two digits (the country code, or its start), a `*` per hidden
 * digit, and the last four: `+5215512345678` → `+52*******5678`. Enough to tell two contacts apart in a log, not to
 * call one.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '+*'.padEnd(digits.length + 1, '*');
  return `+${digits.slice(0, 2)}${'*'.repeat(digits.length - 6)}${digits.slice(-4)}`;
}

/** E.164 in the text, with or without separators (`+52 1 55 1234 5678`, `+52-55-1234-5678`). */
const PHONE_PATTERN = /\+\d(?:[\s().-]{0,2}\d){7,14}(?!\d)/g;
/**
 * A WhatsApp message id. Meta's are base64 of an envelope that holds the contact's phone number (`wamid.HBgN
 * NTIx…` decodes to `…5215512345678…`), so a logged wamid is a logged phone: logs show `wamid#` and the first 12 hex
 * digits of its SHA-256 instead (`wamidRef`: the same for the same message, so lines about one message still match).
 */
const WAMID_PATTERN = /\bwamid\.[A-Za-z0-9+/=_-]+/g;

export function wamidRef(wamid: string): string {
  return `wamid#${createHash('sha256').update(wamid).digest('hex').slice(0, 12)}`;
}

/** `: ` or `=`, and the colour a coloured log (Nest's text format) puts before an object's value. */
const FIELD_SEPARATOR = String.raw`\s*[:=]\s*(?:\u001b\[[\d;]*m)*`;
/**
 * A phone written without its `+` under a key that names one: WhatsApp's `wa_id`, `from`, `to` and `recipient_id`
 * are bare digits (`"wa_id":"5215512345678"`), a phone may be a JSON number, a `key=value` pair or PostgreSQL's
 * `Key (phone)=(…)`. Only these keys: Meta's object ids are as long (`"id"`, `"page_id"`, `"phone_number_id"`:
 * 15–17 digits) and stay readable. Keys naming a phone (`phone`, `leadPhone`, `display_phone_number`, `wa_id`,
 * `recipient_id`) take 8–15 digits, separators allowed; `from`, `to`, `recipient` and `input` (the send answer's
 * echo of `to`) only 10–15 plain digits, so a date range (`"from":"2026-01-01"`) stays as it is.
 */
const PHONE_FIELD_PATTERN = new RegExp(
  String.raw`(?<![\w-])(["']?)([a-z_]*phone(?:_?number)?|wa_?id|recipient_?id)["')]?(${FIELD_SEPARATOR})(["'(]?)(\+?\d(?:[\s().-]{0,2}\d){7,14})(?![\w.-]*\d)`,
  'gi',
);
const ADDRESS_FIELD_PATTERN = new RegExp(
  String.raw`(?<![\w-])(["']?)(from|to|recipient|input)["')]?(${FIELD_SEPARATOR})(["'(]?)(\+?\d{10,15})(?![\w.-]*\d)`,
  'gi',
);

/** `"wa_id":5215512345678` → `"wa_id":"+52*******5678"`: a JSON number stays JSON once masked. */
function maskPhoneField(
  match: string,
  keyQuote: string,
  _key: string,
  _separator: string,
  valueQuote: string,
  phone: string,
): string {
  const masked = keyQuote === '"' && valueQuote === '' ? `"${maskPhone(phone)}"` : maskPhone(phone);
  return `${match.slice(0, match.length - phone.length)}${masked}`;
}

/**
 * Text fit for a log line: `redactSecrets` (known secrets, tokens, JWTs), then phone numbers masked (`maskPhone`):
 * E.164 anywhere and bare digits under a phone's key; WhatsApp message ids replaced by their reference
 * (`wamidRef`).
 */
export function redactForLog(
  text: string,
  knownSecrets: readonly (string | undefined | null)[] = [],
): string {
  return redactSecrets(text, knownSecrets)
    .replace(WAMID_PATTERN, (wamid) => wamidRef(wamid))
    .replace(PHONE_FIELD_PATTERN, maskPhoneField)
    .replace(ADDRESS_FIELD_PATTERN, maskPhoneField)
    .replace(PHONE_PATTERN, (phone) => maskPhone(phone));
}

/** Environment variables whose values are secrets: `*_SECRET`, `*_PASSWORD`, `*_TOKEN`, `*_KEY`. */
const SECRET_VARIABLE = /(SECRET|PASSWORD|TOKEN|KEY)$/;

/**
 * The secret values of a process's environment (or of a service's parsed config, which has the same names): those
 * variables' values, and the password of every URL variable (`DATABASE_URL=postgres://user:password@…`). Values shorter than 8 characters are left out (they would redact
 * ordinary words); config validation refuses secrets that short where it matters.
 */
export function secretValuesOf(env: Readonly<Record<string, unknown>> = process.env): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string' || !value) continue;
    if (SECRET_VARIABLE.test(name)) values.add(value);
    if (/_URL$/.test(name)) {
      try {
        const password = decodeURIComponent(new URL(value).password);
        if (password) values.add(password);
      } catch {
        // not a URL
      }
    }
  }
  return [...values].filter((value) => value.length >= 8).sort((a, b) => b.length - a.length);
}
