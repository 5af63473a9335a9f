import { CURRENCY_CODES, DomainError, MAX_FX_IMPORT_ROWS, MAX_FX_RATE, type IsoDate } from '@crm/contracts';
import { DateTime } from 'luxon';

export type FxRateRow = { day: IsoDate; from: string; to: string; rate: number };

const CURRENCIES = new Set<string>(CURRENCY_CODES);
const HEADER = ['day', 'from', 'to', 'rate'];

function invalid(message: string, details: Record<string, unknown>): DomainError {
  return new DomainError('VALIDATION', message, details);
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function isCalendarDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

/** Check one rate: a real day, two different ISO 4217 codes, 0 < rate ≤ MAX_FX_RATE. `line` for the CSV's errors. */
export function checkRate(row: FxRateRow, line?: number): FxRateRow {
  const where = line === undefined ? {} : { line };
  const at = line === undefined ? '' : `line ${line}: `;
  if (!isCalendarDay(row.day))
    throw invalid(`${at}day must be a date YYYY-MM-DD`, { ...where, field: 'day' });
  for (const field of ['from', 'to'] as const) {
    if (!CURRENCIES.has(row[field])) {
      throw invalid(`${at}${field} must be an ISO 4217 code such as MXN or USD`, { ...where, field });
    }
  }
  if (row.from === row.to) throw invalid(`${at}from and to must differ`, { ...where, field: 'to' });
  if (!Number.isFinite(row.rate) || row.rate <= 0 || row.rate > MAX_FX_RATE) {
    throw invalid(`${at}rate must be a number greater than 0 and at most ${MAX_FX_RATE}`, {
      ...where,
      field: 'rate',
    });
  }
  return row;
}

/**
 * A rates file: a header `day,from,to,rate` (any order, any case; `;` or tab also separate, and with `;` a decimal
 * comma is read: `17,25`), then one rate per line; blank lines are skipped. The first bad line fails the whole file
 * (VALIDATION naming the line), so an import is all or nothing.
 */
export function parseFxCsv(text: string): FxRateRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const headerLine = lines[0] ?? '';
  const separator = headerLine.includes(';') ? ';' : headerLine.includes('\t') ? '\t' : ',';
  const header = headerLine.split(separator).map((cell) => cell.trim().replace(/^"|"$/g, '').toLowerCase());
  const index = HEADER.map((name) => header.indexOf(name));
  if (index.some((i) => i < 0)) {
    throw invalid(`the first line must name the columns ${HEADER.join(', ')}`, { line: 1, reason: 'header' });
  }
  const rows: FxRateRow[] = [];
  for (let n = 1; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    if (rows.length >= MAX_FX_IMPORT_ROWS) {
      throw invalid(`at most ${MAX_FX_IMPORT_ROWS} rates per file`, { reason: 'too_many_rows' });
    }
    const cells = lines[n].split(separator).map((cell) => cell.trim().replace(/^"|"$/g, ''));
    const [day, from, to, rateText] = index.map((i) => cells[i] ?? '');
    const decimal = separator === ';' ? rateText.replace(',', '.') : rateText;
    const rate = /^\d+(\.\d+)?$/.test(decimal) ? Number(decimal) : NaN;
    rows.push(checkRate({ day, from: from.toUpperCase(), to: to.toUpperCase(), rate }, n + 1));
  }
  if (rows.length === 0) throw invalid('the file has no rates', { reason: 'empty' });
  return rows;
}
