import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatInteger,
  formatIsoDate,
  formatLocale,
  formatMoney,
  formatNumber,
  formatPercent,
} from './format';

// Intl separates some parts with narrow/no-break spaces; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatLocale', () => {
  it('shows Spanish as in Mexico and English as in the United States', () => {
    expect(formatLocale('es')).toBe('es-MX');
    expect(formatLocale('en')).toBe('en-US');
    expect(formatLocale(undefined)).toBe('es-MX');
    expect(formatLocale('fr')).toBe('es-MX');
    expect(formatLocale('en-GB')).toBe('en-GB');
  });
});

describe('formatMoney', () => {
  it('writes pesos the Mexican way in Spanish', () => {
    expect(formatMoney(118422.56, 'MXN', 'es-MX')).toBe('$118,422.56');
    expect(formatMoney(0, 'MXN', 'es-MX')).toBe('$0.00');
    expect(formatMoney(-1500, 'MXN', 'es-MX')).toBe('-$1,500.00');
  });

  it('names the currency when it is not the local one', () => {
    expect(plain(formatMoney(118422.56, 'USD', 'es-MX'))).toBe('USD 118,422.56');
    expect(formatMoney(118422.56, 'MXN', 'en-US')).toBe('MX$118,422.56');
    expect(formatMoney(118422.56, 'USD', 'en-US')).toBe('$118,422.56');
  });

  it('defaults to es-MX and survives an unknown currency code', () => {
    expect(formatMoney(10, 'MXN')).toBe('$10.00');
    expect(formatMoney(1234.5, 'NOT-A-CODE', 'es-MX')).toBe('1,234.5 NOT-A-CODE');
  });
});

describe('numbers and percentages', () => {
  it('groups thousands with commas in es-MX and en-US', () => {
    expect(formatInteger(2000, 'es-MX')).toBe('2,000');
    expect(formatInteger(1234567.8, 'en-US')).toBe('1,234,568');
    expect(formatNumber(3.14159, 'es-MX')).toBe('3.14');
  });

  it('takes a value that is already a percentage', () => {
    expect(plain(formatPercent(125.5, 'es-MX'))).toMatch(/^125\.5 ?%$/);
    expect(formatPercent(-12.34, 'en-US')).toBe('-12.3%');
  });
});

describe('dates', () => {
  const instant = '2026-11-26T16:23:00.000Z';

  it('shows an instant as a human date and time, never as ISO', () => {
    expect(formatDateTime(instant, 'es-MX', { timeZone: 'America/Mexico_City' })).toBe('26 nov 2026, 10:23');
    expect(plain(formatDateTime(instant, 'en-US', { timeZone: 'America/Mexico_City' }))).toBe(
      'Nov 26, 2026, 10:23 AM',
    );
  });

  it('keeps text that is not a date instead of printing "Invalid Date"', () => {
    expect(formatDateTime('not a date', 'es-MX')).toBe('not a date');
  });

  it('shows a calendar date as the day it names, whatever the zone', () => {
    expect(formatIsoDate('2026-01-01', 'es-MX')).toBe('1 ene 2026');
    expect(formatIsoDate('2026-12-31', 'en-US')).toBe('Dec 31, 2026');
    expect(formatIsoDate('2026-02-31', 'es-MX')).toBe('2026-02-31');
    expect(formatIsoDate('yesterday', 'es-MX')).toBe('yesterday');
  });
});
