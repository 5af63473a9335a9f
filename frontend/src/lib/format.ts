import { useTranslation } from 'react-i18next';

function safeNumberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat | null {
  try {
    return new Intl.NumberFormat(locale, options);
  } catch {
    return null;
  }
}

export function formatMoney(value: number, currency: string, locale: string): string {
  const formatter = safeNumberFormat(locale, { style: 'currency', currency });
  if (formatter) return formatter.format(value);
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value)} ${currency}`;
}

export function formatInteger(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** `roiPercent` is already a percentage (e.g. 125.5 → "125,5 %"). */
export function formatPercent(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
}

export function formatDateTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A calendar date `YYYY-MM-DD` (no timezone shift: it is shown as the day it names). */
export function formatIsoDate(isoDate: string, locale: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  if (!year || !month || !day) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

/** Formatters bound to the current UI language. */
export function useFormatters() {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return {
    locale,
    money: (value: number, currency: string) => formatMoney(value, currency, locale),
    integer: (value: number) => formatInteger(value, locale),
    percent: (value: number) => formatPercent(value, locale),
    dateTime: (iso: string) => formatDateTime(iso, locale),
    isoDate: (isoDate: string) => formatIsoDate(isoDate, locale),
  };
}
