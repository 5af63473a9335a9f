/**
 * A recipient's timezone from the calling code of their E.164 phone, for countries with one timezone (one
 * IANA zone, or several that keep the same clock). Countries spread over several zones (Mexico, the US and Canada,
 * Brazil, Spain with the Canaries, Chile, Ecuador…) give null: the tenant's timezone is used instead.
 */
const ZONE_BY_CALLING_CODE: Record<string, string> = {
  '57': 'America/Bogota',
  '51': 'America/Lima',
  '58': 'America/Caracas',
  '54': 'America/Argentina/Buenos_Aires',
  '598': 'America/Montevideo',
  '595': 'America/Asuncion',
  '591': 'America/La_Paz',
  '502': 'America/Guatemala',
  '503': 'America/El_Salvador',
  '504': 'America/Tegucigalpa',
  '505': 'America/Managua',
  '506': 'America/Costa_Rica',
  '507': 'America/Panama',
  '53': 'America/Havana',
  '1809': 'America/Santo_Domingo',
  '1829': 'America/Santo_Domingo',
  '1849': 'America/Santo_Domingo',
  '1787': 'America/Puerto_Rico',
  '1939': 'America/Puerto_Rico',
  '44': 'Europe/London',
  '33': 'Europe/Paris',
  '49': 'Europe/Berlin',
  '39': 'Europe/Rome',
  '31': 'Europe/Amsterdam',
  '32': 'Europe/Brussels',
  '41': 'Europe/Zurich',
  '43': 'Europe/Vienna',
  '48': 'Europe/Warsaw',
  '30': 'Europe/Athens',
  '353': 'Europe/Dublin',
  '91': 'Asia/Kolkata',
  '81': 'Asia/Tokyo',
  '82': 'Asia/Seoul',
  '86': 'Asia/Shanghai',
  '972': 'Asia/Jerusalem',
  '971': 'Asia/Dubai',
  '27': 'Africa/Johannesburg',
  '234': 'Africa/Lagos',
};

/** The zone of an E.164 phone's country when it has one; null otherwise (longest calling-code prefix wins). */
export function timezoneOfPhone(phone: string | null | undefined): string | null {
  if (!phone?.startsWith('+')) return null;
  const digits = phone.slice(1);
  for (let length = 4; length >= 1; length -= 1) {
    const zone = ZONE_BY_CALLING_CODE[digits.slice(0, length)];
    if (zone) return zone;
  }
  return null;
}
