/** A short list for browsers without `Intl.supportedValuesOf` (the API accepts any IANA zone). */
const FALLBACK_ZONES = [
  'America/Mexico_City',
  'America/Monterrey',
  'America/Tijuana',
  'America/Cancun',
  'America/Bogota',
  'America/Lima',
  'America/Santiago',
  'America/Argentina/Buenos_Aires',
  'America/Sao_Paulo',
  'America/Caracas',
  'America/Guatemala',
  'America/Costa_Rica',
  'America/Panama',
  'America/Santo_Domingo',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Toronto',
  'Europe/Madrid',
  'Europe/London',
  'UTC',
];

/** IANA timezones the browser knows, sorted, always including the tenant's current one. */
export function timeZoneOptions(current: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = FALLBACK_ZONES;
  }
  if (zones.length === 0) zones = FALLBACK_ZONES;
  const all = new Set(zones);
  all.add(current);
  return [...all].sort((a, b) => a.localeCompare(b));
}
