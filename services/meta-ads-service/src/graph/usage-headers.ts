/** What Meta's rate-limit headers say (REFERENCE §5.1): highest utilisation and time to regain access. */
export type MetaUsage = {
  /** Highest percentage found in x-app-usage, x-ad-account-usage and x-business-use-case-usage (0–100+). */
  maxPercent: number | null;
  /** Largest `estimated_time_to_regain_access` (minutes) in x-business-use-case-usage, if any is > 0. */
  regainAccessMinutes: number | null;
};

type HeaderSource = { get(name: string): string | null };

function parseJson(raw: string | null): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function numbersOf(value: unknown, keys: readonly string[]): number[] {
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  return keys
    .map((key) => (typeof record[key] === 'string' ? Number(record[key]) : record[key]))
    .filter((n): n is number => typeof n === 'number' && Number.isFinite(n));
}

const APP_KEYS = ['call_count', 'total_time', 'total_cputime'] as const;
const ACCOUNT_KEYS = ['acc_id_util_pct'] as const;

export function readUsageHeaders(headers: HeaderSource): MetaUsage {
  const percents: number[] = [];
  percents.push(...numbersOf(parseJson(headers.get('x-app-usage')), APP_KEYS));
  percents.push(...numbersOf(parseJson(headers.get('x-ad-account-usage')), ACCOUNT_KEYS));
  let regain: number | null = null;
  const buc = parseJson(headers.get('x-business-use-case-usage'));
  if (typeof buc === 'object' && buc !== null) {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        percents.push(...numbersOf(entry, APP_KEYS));
        const [minutes] = numbersOf(entry, ['estimated_time_to_regain_access']);
        if (minutes !== undefined && minutes > 0) regain = Math.max(regain ?? 0, minutes);
      }
    }
  }
  return {
    maxPercent: percents.length > 0 ? Math.max(...percents) : null,
    regainAccessMinutes: regain,
  };
}
