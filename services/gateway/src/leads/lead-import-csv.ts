import { parse } from 'csv-parse/sync';
import { DomainError, LEAD_IMPORT_LIMITS, type LeadImportFileError } from '@crm/contracts';

const { maxColumns, maxRows } = LEAD_IMPORT_LIMITS;
/** Longest record (characters) accepted: a row longer than this is not a lead, it is a broken file. */
const MAX_RECORD_CHARS = 64 * 1024;
const DELIMITERS = [',', ';', '\t'] as const;

export type LeadCsv = { header: string[]; rows: string[][] };

/** A 400 whose `details.reason` the UI translates. */
export function fileError(
  reason: LeadImportFileError,
  message: string,
  details: Record<string, unknown> = {},
): DomainError {
  return new DomainError('VALIDATION', message, { reason, ...details });
}

/**
 * The delimiter of the header line: `,` unless `;` (Excel in much of Latin America and Spain) or a tab occurs more
 * often outside quotes.
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  return [...counts.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

/**
 * A leads CSV as uploaded: strict UTF-8 (a UTF-8 BOM is fine; Windows-1252 / Latin-1 or UTF-16 are refused with a
 * way out), a header row of at most `maxColumns` columns, at least one and at most `maxRows` data rows, quotes that
 * close. Rows whose width differs from the header's are kept: crm-service reports them one by one.
 */
export function readLeadCsv(body: unknown): LeadCsv {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw fileError('empty', 'the file is empty: send the CSV as the body with Content-Type: text/csv');
  }
  if ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)) {
    throw fileError('not_utf8', 'the file is UTF-16, not UTF-8: save it as "CSV UTF-8" and upload it again');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw fileError(
      'not_utf8',
      'the file is not UTF-8 (Windows-1252 or Latin-1?): save it as "CSV UTF-8" and upload it again',
    );
  }
  if (text.trim() === '') throw fileError('empty', 'the file is empty');

  let records: string[][];
  try {
    records = parse(text, {
      delimiter: sniffDelimiter(text),
      relax_column_count: true,
      // A stray quote inside an unquoted value (`Juan "el Flaco"`) is kept; a quoted value that never closes is not.
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      max_record_size: MAX_RECORD_CHARS,
    });
  } catch (error) {
    const { code, lines } = error as { code?: string; lines?: number };
    const where = typeof lines === 'number' ? ` (line ${lines})` : '';
    const what =
      code === 'CSV_MAX_RECORD_SIZE'
        ? `a row is longer than ${MAX_RECORD_CHARS} characters`
        : 'a quoted value does not close properly';
    throw fileError('malformed', `the file is not a valid CSV: ${what}${where}`, {
      line: typeof lines === 'number' ? lines : undefined,
    });
  }

  // Blank records are skipped: the first row with a value is the header.
  const [first, ...rows] = records;
  if (!first) throw fileError('empty', 'the file is empty');
  if (first.length > maxColumns) {
    throw fileError(
      'too_many_columns',
      `the file has ${first.length} columns; at most ${maxColumns} are accepted`,
      { columns: first.length, max: maxColumns },
    );
  }
  if (rows.length === 0) throw fileError('no_rows', 'the file has a header but no rows');
  if (rows.length > maxRows) {
    throw fileError('too_many_rows', `the file has ${rows.length} rows; at most ${maxRows} per import`, {
      rows: rows.length,
      max: maxRows,
    });
  }
  const header = first.map((name, i) => name.trim().slice(0, 200) || `Columna ${i + 1}`);
  return { header, rows };
}

/** Cut rows into parts whose JSON stays well under NATS `max_payload` (1 MB on a default server). */
export function rowParts(rows: readonly string[][], maxBytes = 256 * 1024): string[][][] {
  const parts: string[][][] = [];
  let part: string[][] = [];
  let size = 0;
  for (const row of rows) {
    const rowSize = Buffer.byteLength(JSON.stringify(row));
    if (part.length > 0 && size + rowSize > maxBytes) {
      parts.push(part);
      part = [];
      size = 0;
    }
    part.push(row);
    size += rowSize + 1;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}
