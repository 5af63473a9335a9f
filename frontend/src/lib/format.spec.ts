import { render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import {
  TenantFormatsProvider,
  formatDateTime,
  formatInteger,
  formatIsoDate,
  formatMoneyCompact,
  formatLocale,
  formatMoney,
  formatNumber,
  formatPercent,
  formattersFor,
  useFormatters,
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

  it('shows midnight as 00:00 (es-MX) and 12:00 AM (en-US), never 24:00', () => {
    const midnight = '2026-11-01T06:00:00.000Z';
    expect(formatDateTime(midnight, 'es-MX', { timeZone: 'America/Mexico_City' })).toBe('1 nov 2026, 00:00');
    expect(plain(formatDateTime(midnight, 'en-US', { timeZone: 'America/Mexico_City' }))).toBe(
      'Nov 1, 2026, 12:00 AM',
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
    expect(formatIsoDate('2026-11-26', 'es-MX', 'short')).toBe('26 nov');
    expect(formatMoneyCompact(118422.56, 'MXN', 'es-MX')).toBe('$118.4\u00a0k');
    expect(formatMoneyCompact(250, 'MXN', 'en-US')).toBe('MX$250');
    expect(formatIsoDate('2026-11-26', 'en-US', 'short')).toBe('Nov 26');
  });
});

describe('formattersFor: the tenant timezone', () => {
  const instant = '2026-11-26T16:23:00.000Z';

  it('shows the same instant on the clock of each tenant', () => {
    expect(formattersFor('es-MX', 'America/Mexico_City').dateTime(instant)).toBe('26 nov 2026, 10:23');
    expect(formattersFor('es-MX', 'Europe/Madrid').dateTime(instant)).toBe('26 nov 2026, 17:23');
    // Past midnight in Tokyo: the day moves too.
    expect(plain(formattersFor('en-US', 'Asia/Tokyo').dateTime('2026-11-26T20:00:00.000Z'))).toBe(
      'Nov 27, 2026, 5:00 AM',
    );
  });

  it('leaves calendar dates on the day they name in any zone', () => {
    expect(formattersFor('es-MX', 'Asia/Tokyo').isoDate('2026-11-26')).toBe('26 nov 2026');
    expect(formattersFor('es-MX', 'America/Los_Angeles').isoDate('2026-11-26')).toBe('26 nov 2026');
  });
});

describe('useFormatters', () => {
  const instant = '2026-11-26T16:23:00.000Z';

  function Probe() {
    const format = useFormatters();
    return createElement(
      'p',
      { 'data-testid': 'probe' },
      `${format.money(118422.56, 'MXN')} | ${format.dateTime(instant)}`,
    );
  }

  it("formats in the tenant's locale and timezone, whatever the UI language", async () => {
    await i18next.changeLanguage('en');
    render(
      createElement(TenantFormatsProvider, {
        locale: 'es-MX',
        timeZone: 'Europe/Madrid',
        children: createElement(Probe),
      }),
    );
    expect(screen.getByTestId('probe')).toHaveTextContent('$118,422.56 | 26 nov 2026, 17:23');
  });

  it('follows another tenant in another zone', () => {
    render(
      createElement(TenantFormatsProvider, {
        locale: 'en-US',
        timeZone: 'America/Bogota',
        children: createElement(Probe),
      }),
    );
    expect(plain(screen.getByTestId('probe').textContent ?? '')).toBe(
      'MX$118,422.56 | Nov 26, 2026, 11:23 AM',
    );
  });

  it('falls back to the UI language and the browser zone without a session, or with a bad setting', async () => {
    render(createElement(Probe));
    // Tests run with TZ=America/Mexico_City (vitest.config.ts).
    expect(screen.getByTestId('probe')).toHaveTextContent('$118,422.56 | 26 nov 2026, 10:23');
    await i18next.changeLanguage('en');
    render(
      createElement(TenantFormatsProvider, {
        locale: 'not a locale!',
        timeZone: 'Nowhere/City',
        children: createElement(Probe),
      }),
    );
    expect(plain(screen.getAllByTestId('probe')[1]!.textContent ?? '')).toBe(
      'MX$118,422.56 | Nov 26, 2026, 10:23 AM',
    );
  });
});
