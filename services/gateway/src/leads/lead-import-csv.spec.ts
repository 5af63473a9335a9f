import { DomainError } from '@crm/contracts';
import { readLeadCsv, rowParts, sniffDelimiter } from './lead-import-csv';
import { csvField, rejectsCsv } from './lead-import-report';

function reasonOf(body: unknown): unknown {
  try {
    readLeadCsv(body);
  } catch (error) {
    return error instanceof DomainError ? error.details?.reason : error;
  }
  return 'accepted';
}

describe('readLeadCsv', () => {
  it('reads UTF-8 with or without BOM, commas or semicolons, quoted values', () => {
    const withBom = Buffer.from('\uFEFFNombre,Teléfono\r\n"Peña, José",5512345678\r\n', 'utf8');
    expect(readLeadCsv(withBom)).toEqual({
      header: ['Nombre', 'Teléfono'],
      rows: [['Peña, José', '5512345678']],
    });
    expect(readLeadCsv(Buffer.from('a;b\n1;2\n\n;\n'))).toEqual({ header: ['a', 'b'], rows: [['1', '2']] });
  });

  it('takes the first row that is not blank as the header', () => {
    expect(readLeadCsv(Buffer.from(',,\n , \nNombre,Tel\nAna,1\n')).header).toEqual(['Nombre', 'Tel']);
  });

  it('names blank header cells and keeps rows of another width for crm-service to report', () => {
    expect(readLeadCsv(Buffer.from('Nombre,,Tel\nAna\n'))).toEqual({
      header: ['Nombre', 'Columna 2', 'Tel'],
      rows: [['Ana']],
    });
  });

  it('refuses what is not a leads CSV, with a reason', () => {
    expect(reasonOf(Buffer.from('Nombre,Teléfono\nJosé,1\n', 'latin1'))).toBe('not_utf8');
    expect(reasonOf(Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le'))).toBe('not_utf8');
    expect(reasonOf(Buffer.alloc(0))).toBe('empty');
    expect(reasonOf(undefined)).toBe('empty');
    expect(reasonOf(Buffer.from(' \n\n'))).toBe('empty');
    expect(reasonOf(Buffer.from('a,b\n'))).toBe('no_rows');
    expect(reasonOf(Buffer.from(`${'c,'.repeat(100)}c\n1\n`))).toBe('too_many_columns');
    expect(reasonOf(Buffer.from(`${'c,'.repeat(99)}c\n1\n`))).toBe('accepted');
    expect(reasonOf(Buffer.from('a,b\n"open,1\n2,3\n'))).toBe('malformed');
  });

  it('sniffs the delimiter of the header line, ignoring quoted ones', () => {
    expect(sniffDelimiter('"a;b",c,d\n1;2;3;4')).toBe(',');
    expect(sniffDelimiter('a;b;c\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n')).toBe('\t');
  });

  it('cuts rows into parts under a byte budget, in order', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [`row ${i}`, 'x'.repeat(100)]);
    const parts = rowParts(rows, 300);
    expect(parts.flat()).toEqual(rows);
    expect(parts.every((part) => Buffer.byteLength(JSON.stringify(part)) <= 300)).toBe(true);
  });
});

describe('rejects report', () => {
  it('quotes what needs it and defuses formulas, keeping phones', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+52 55 1234 5678')).toBe('+52 55 1234 5678');
    expect(csvField('-cmd')).toBe("'-cmd");
  });

  it('writes a BOM, the header and each reason in the language asked', () => {
    const csv = rejectsCsv(
      ['Nombre', 'Tel'],
      [
        { rowNumber: 1, cells: ['', '55'], reason: 'name_missing' },
        { rowNumber: 3, cells: ['Ana', '55'], reason: 'duplicate_in_file', duplicateOfRow: 1 },
      ],
      'en',
    );
    expect(csv).toBe(
      '\uFEFFRow,Reason,Nombre,Tel\r\n2,Name is missing,,55\r\n4,Duplicate of row 2 of the file,Ana,55\r\n',
    );
  });
});
