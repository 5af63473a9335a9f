import type { LeadImportReject, LeadImportRejectReason } from '@crm/contracts';

export const REPORT_LANGUAGES = ['es', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

type Texts = {
  line: string;
  reason: string;
  reasons: Record<LeadImportRejectReason, (reject: LeadImportReject) => string>;
};

/** Row numbers as a spreadsheet shows them: the header is line 1, the first data row line 2. */
const lineOf = (rowNumber: number): number => rowNumber + 1;

const TEXTS: Record<ReportLanguage, Texts> = {
  es: {
    line: 'Fila',
    reason: 'Motivo',
    reasons: {
      column_count: () => 'La fila no tiene las mismas columnas que el encabezado',
      name_missing: () => 'Falta el nombre',
      phone_missing: () => 'Falta el teléfono',
      phone_invalid: () => 'El teléfono no es válido',
      email_invalid: () => 'El correo no es válido',
      notes_too_long: () => 'Las notas superan 5,000 caracteres',
      too_many_tags: () => 'Más de 20 etiquetas, o una de más de 50 caracteres',
      duplicate_in_file: (r) => `Duplicado de la fila ${lineOf(r.duplicateOfRow ?? 0)} del archivo`,
      duplicate_existing: (r) => `Duplicado del lead ${r.leadName ?? ''}`.trim(),
    },
  },
  en: {
    line: 'Row',
    reason: 'Reason',
    reasons: {
      column_count: () => 'The row does not have the same columns as the header',
      name_missing: () => 'Name is missing',
      phone_missing: () => 'Phone is missing',
      phone_invalid: () => 'The phone is not valid',
      email_invalid: () => 'The email is not valid',
      notes_too_long: () => 'Notes are longer than 5,000 characters',
      too_many_tags: () => 'More than 20 tags, or one longer than 50 characters',
      duplicate_in_file: (r) => `Duplicate of row ${lineOf(r.duplicateOfRow ?? 0)} of the file`,
      duplicate_existing: (r) => `Duplicate of lead ${r.leadName ?? ''}`.trim(),
    },
  },
};

/**
 * A value as a CSV field: quoted when needed, and never read as a formula by a spreadsheet (`=`, `@`, or a `+`/`-`
 * that does not start a number or a phone get a leading apostrophe).
 */
export function csvField(value: string): string {
  let safe = value;
  if (/^[=@\t\r]/.test(safe) || (/^[+-]/.test(safe) && !/^[+-][\d\s().-]*$/.test(safe))) safe = `'${safe}`;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const BOM = '\uFEFF';

/**
 * The rejected rows as a CSV Excel opens correctly (UTF-8 with BOM, CRLF): line number, reason in the user's
 * language, then the row's original columns under the file's own header.
 */
export function rejectsCsv(
  header: readonly string[],
  rejects: readonly LeadImportReject[],
  lang: ReportLanguage,
): string {
  const texts = TEXTS[lang];
  const lines = [[texts.line, texts.reason, ...header].map(csvField).join(',')];
  for (const reject of rejects) {
    const fields = [String(lineOf(reject.rowNumber)), texts.reasons[reject.reason](reject), ...reject.cells];
    lines.push(fields.map(csvField).join(','));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
