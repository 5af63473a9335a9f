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
const BEARER_PATTERN = /\b(Bearer|OAuth)\s+[^\s"']+/gi;

/**
 * Remove secrets from text that may reach a log, an error message or an RPC reply: known secret values, secret
 * query parameters, anything shaped like a Meta token and `Authorization` header values.
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
