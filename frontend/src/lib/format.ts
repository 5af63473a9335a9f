import { createContext, createElement, useContext, useMemo, type ReactElement, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Every number, amount and date the UI shows goes through this module (never `toLocaleString` in a page).
 * The tenant's locale and timezone (its settings, carried by the session) pick the regional format: es-MX shows
 * `$118,422.56` and "26 nov 2026, 10:23", en-US `MX$118,422.56` and "Nov 26, 2026, 10:23 AM". Without a session the
 * UI language picks it (Spanish as in Mexico, English as in the United States) and dates use the browser's zone.
 */
export const FORMAT_LOCALES = { es: 'es-MX', en: 'en-US' } as const;
export const DEFAULT_FORMAT_LOCALE = FORMAT_LOCALES.es;

/** The Intl locale for a UI language (`es`, `en`, or a full tag such as `en-GB`, kept as is). */
export function formatLocale(language: string | undefined): string {
  if (!language) return DEFAULT_FORMAT_LOCALE;
  if (language in FORMAT_LOCALES) return FORMAT_LOCALES[language as keyof typeof FORMAT_LOCALES];
  return language.includes('-') ? language : DEFAULT_FORMAT_LOCALE;
}

export type DateOptions = { timeZone?: string };

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat | null {
  const key = `${locale}|${JSON.stringify(options)}`;
  const cached = numberFormats.get(key);
  if (cached) return cached;
  try {
    const created = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, created);
    return created;
  } catch {
    // An unknown currency code (or locale) must not break the page.
    return null;
  }
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  const cached = dateFormats.get(key);
  if (cached) return cached;
  const created = new Intl.DateTimeFormat(locale, options);
  dateFormats.set(key, created);
  return created;
}

/** `118422.56, 'MXN'` → `$118,422.56` (es-MX); an unknown currency code falls back to `118,422.56 XYZ`. */
export function formatMoney(value: number, currency: string, locale: string = DEFAULT_FORMAT_LOCALE): string {
  const formatter = numberFormat(locale, { style: 'currency', currency });
  if (formatter) return formatter.format(value);
  return `${formatNumber(value, locale, 2)} ${currency}`;
}

/** Money for a chart axis: `118422.56, 'MXN'` → `$118 mil` (es-MX), `MX$118K` (en-US). */
export function formatMoneyCompact(
  value: number,
  currency: string,
  locale: string = DEFAULT_FORMAT_LOCALE,
): string {
  const formatter = numberFormat(locale, {
    style: 'currency',
    currency,
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  });
  if (formatter) return formatter.format(value);
  return `${formatNumber(value, locale, 0)} ${currency}`;
}

export function formatInteger(value: number, locale: string = DEFAULT_FORMAT_LOCALE): string {
  return formatNumber(value, locale, 0);
}

export function formatNumber(
  value: number,
  locale: string = DEFAULT_FORMAT_LOCALE,
  maximumFractionDigits = 2,
): string {
  return (numberFormat(locale, { maximumFractionDigits }) ?? new Intl.NumberFormat('en-US')).format(value);
}

/** A value that is already a percentage: `125.5` → `125.5%`. */
export function formatPercent(value: number, locale: string = DEFAULT_FORMAT_LOCALE): string {
  const formatter = numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return (formatter ?? new Intl.NumberFormat('en-US', { style: 'percent' })).format(value / 100);
}

function parseInstant(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An instant as a human date and time: "26 nov 2026, 10:23" (es-MX, 24 h) or "Nov 26, 2026, 10:23 AM" (en-US). */
export function formatDateTime(
  iso: string,
  locale: string = DEFAULT_FORMAT_LOCALE,
  options: DateOptions = {},
): string {
  const date = parseInstant(iso);
  if (!date) return iso;
  return dateFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    // `hour12: false` lets some locales (es-MX) pick the h24 cycle: midnight would read "24:00".
    hourCycle: locale.startsWith('en') ? 'h12' : 'h23',
    timeZone: options.timeZone,
  }).format(date);
}

/** A calendar date `YYYY-MM-DD`, shown as the day it names (no timezone shift): "26 nov 2026". */
export function formatIsoDate(
  isoDate: string,
  locale: string = DEFAULT_FORMAT_LOCALE,
  style: 'long' | 'short' = 'long',
): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const [, year, month, day] = match.map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  if (date.getUTCMonth() !== month! - 1) return isoDate;
  return dateFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: style === 'long' ? 'numeric' : undefined,
    timeZone: 'UTC',
  }).format(date);
}

export type Formatters = {
  locale: string;
  /** IANA timezone instants are shown in; `undefined`: the browser's. */
  timeZone: string | undefined;
  money: (value: number, currency: string) => string;
  /** Short money for chart axes: "$118 mil". */
  moneyCompact: (value: number, currency: string) => string;
  integer: (value: number) => string;
  number: (value: number, maximumFractionDigits?: number) => string;
  percent: (value: number) => string;
  dateTime: (iso: string) => string;
  isoDate: (isoDate: string) => string;
  /** A calendar date without its year, for chart axes: "26 nov" / "Nov 26". */
  isoDayMonth: (isoDate: string) => string;
};

export function formattersFor(locale: string, timeZone?: string): Formatters {
  return {
    locale,
    timeZone,
    money: (value, currency) => formatMoney(value, currency, locale),
    moneyCompact: (value, currency) => formatMoneyCompact(value, currency, locale),
    integer: (value) => formatInteger(value, locale),
    number: (value, digits) => formatNumber(value, locale, digits),
    percent: (value) => formatPercent(value, locale),
    dateTime: (iso) => formatDateTime(iso, locale, { timeZone }),
    isoDate: (isoDate) => formatIsoDate(isoDate, locale),
    isoDayMonth: (isoDate) => formatIsoDate(isoDate, locale, 'short'),
  };
}

/** The signed-in tenant's regional settings (from the session), provided by the auth guard. */
export type TenantFormats = { locale: string; timeZone: string };

const TenantFormatsContext = createContext<TenantFormats | null>(null);

export function TenantFormatsProvider({
  locale,
  timeZone,
  children,
}: TenantFormats & { children: ReactNode }): ReactElement {
  const value = useMemo(() => ({ locale, timeZone }), [locale, timeZone]);
  return createElement(TenantFormatsContext.Provider, { value }, children);
}

/** A usable IANA zone or `undefined` (the browser's), so a bad setting never breaks a page. */
function validTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** A usable Intl locale tag or `undefined`. */
function validLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0 ? locale : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Formatters in the tenant's locale and timezone (a tenant set to es-MX sees `$118,422.56` and Mexico City's clock
 * whatever language each user picks for the UI). Outside a session (login, sign-up) the UI language's regional
 * format and the browser's timezone are used.
 */
export function useFormatters(): Formatters {
  const { i18n } = useTranslation();
  const tenant = useContext(TenantFormatsContext);
  const language = i18n.resolvedLanguage ?? i18n.language;
  const locale = validLocale(tenant?.locale) ?? formatLocale(language);
  const timeZone = validTimeZone(tenant?.timeZone);
  return useMemo(() => formattersFor(locale, timeZone), [locale, timeZone]);
}
