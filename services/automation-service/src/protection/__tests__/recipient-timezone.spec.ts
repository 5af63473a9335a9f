import fs from 'node:fs';
import { normalizePhone } from '@crm/contracts';
import { IANAZone } from 'luxon';
import { loadZoneTable, timezoneOfPhone, zonesOfDigits } from '../recipient-timezone';

const JANUARY = new Date('2027-01-15T18:00:00Z');
const JULY = new Date('2027-07-15T18:00:00Z');

describe('timezoneOfPhone (libphonenumber prefix → timezone data)', () => {
  it('Mexico by area code, in the form leads are stored (+521…) and without the 1', () => {
    expect(timezoneOfPhone('+5215512345678')).toBe('America/Mexico_City');
    expect(timezoneOfPhone('+525512345678')).toBe('America/Mexico_City');
    expect(timezoneOfPhone(normalizePhone('+52 664 123 4567'))).toBe('America/Tijuana');
    expect(timezoneOfPhone('+5219981234567')).toBe('America/Cancun');
    expect(timezoneOfPhone('+5213312345678')).toBe('America/Mexico_City'); // Guadalajara
    expect(timezoneOfPhone('+5216691234567')).toBe('America/Mazatlan');
    expect(timezoneOfPhone('+5216561234567')).toBe('America/Ciudad_Juarez');
  });

  it('the US and Canada by area code', () => {
    expect(timezoneOfPhone('+12125551234')).toBe('America/New_York');
    expect(timezoneOfPhone('+13105551234')).toBe('America/Los_Angeles');
    expect(timezoneOfPhone('+13125551234')).toBe('America/Chicago');
    expect(timezoneOfPhone('+14165551234')).toBe('America/Toronto');
  });

  it('Spain: the peninsula and the Canaries', () => {
    expect(timezoneOfPhone('+34912345678')).toBe('Europe/Madrid');
    expect(timezoneOfPhone('+34612345678')).toBe('Europe/Madrid');
    expect(timezoneOfPhone('+34928123456')).toBe('Atlantic/Canary');
  });

  it('single-zone countries: Colombia, the Dominican Republic', () => {
    expect(timezoneOfPhone('+573001234567')).toBe('America/Bogota');
    expect(timezoneOfPhone('+18095551234')).toBe('America/Santo_Domingo');
  });

  it('several zones: one when they keep the same clock, null when they do not', () => {
    // Great Britain, Guernsey, Jersey and the Isle of Man share one prefix and one clock.
    expect(zonesOfDigits('447911123456')).toEqual(
      expect.arrayContaining(['Europe/London', 'Europe/Guernsey']),
    );
    const uk = timezoneOfPhone('+447911123456', JULY);
    expect(uk).not.toBeNull();
    expect(IANAZone.create(uk!).offset(JULY.getTime())).toBe(60);
    // US toll-free numbers have no place: every zone of +1.
    expect(zonesOfDigits('18005551234')!.length).toBeGreaterThan(10);
    expect(timezoneOfPhone('+18005551234')).toBeNull();
    // +52 200 is listed with Mexico City and Tijuana: different clocks all year.
    expect(zonesOfDigits('522001234567')).toEqual(['America/Mexico_City', 'America/Tijuana']);
    expect(timezoneOfPhone('+522001234567', JANUARY)).toBeNull();
    expect(timezoneOfPhone('+522001234567', JULY)).toBeNull();
  });

  it('invalid, incomplete or junk numbers give null (the tenant’s zone is used)', () => {
    expect(timezoneOfPhone('+52155123')).toBeNull(); // too short
    expect(timezoneOfPhone('+5215512345678901')).toBeNull(); // too long
    expect(timezoneOfPhone('+9991234567')).toBeNull(); // no such country
    expect(timezoneOfPhone('5215512345678')).toBeNull(); // no calling code
    expect(timezoneOfPhone('hola')).toBeNull();
    expect(timezoneOfPhone('')).toBeNull();
    expect(timezoneOfPhone(null)).toBeNull();
    expect(timezoneOfPhone(undefined)).toBeNull();
  });

  it('every zone in the data is one luxon (the send-window arithmetic) knows', () => {
    const zones = new Set([...loadZoneTable().values()].flat());
    expect(zones.size).toBeGreaterThan(200);
    expect([...zones].filter((zone) => !IANAZone.isValidZone(zone))).toEqual([]);
  });

  it('reads the data file once per process, not once per send', () => {
    jest.isolateModules(() => {
      const readFileSync = jest.spyOn(fs, 'readFileSync');
      try {
        const fresh = jest.requireActual<typeof import('../recipient-timezone')>('../recipient-timezone');
        for (let i = 0; i < 200; i += 1) {
          fresh.timezoneOfPhone(`+5215512${String(i).padStart(6, '0')}`);
        }
        const reads = readFileSync.mock.calls.filter(([file]) => String(file).endsWith('timezones.bson'));
        expect(reads).toHaveLength(1);
      } finally {
        readFileSync.mockRestore();
      }
    });
  });
});
