import { parseJsonText, toJsonText, type JsonText } from './json-text';

type Report = { range: { since: string; until: string }; kpis: { spend: number; roiPercent: number | null } };

describe('JsonText', () => {
  const report: Report = {
    range: { since: '2026-01-01', until: '2026-01-31' },
    kpis: { spend: 1234.56, roiPercent: null },
  };

  it('is the JSON of the value, as JSON.stringify writes it', () => {
    const text = toJsonText(report);
    expect(typeof text).toBe('string');
    expect(text).toBe(
      '{"range":{"since":"2026-01-01","until":"2026-01-31"},"kpis":{"spend":1234.56,"roiPercent":null}}',
    );
  });

  it('parses back to an equal value, accents and quotes included', () => {
    const named = { ...report, name: 'Campaña "Lanzamiento" – Mérida\n' };
    expect(parseJsonText(toJsonText(named))).toEqual(named);
  });

  it('keeps the type it stands for', () => {
    const text: JsonText<Report> = toJsonText(report);
    const back: Report = parseJsonText(text);
    expect(back.kpis.spend).toBe(1234.56);
    // @ts-expect-error a plain string is not known to be the JSON of a Report
    const unbranded: JsonText<Report> = '{}';
    // @ts-expect-error the JSON of a Report is not the JSON of a number
    const other: JsonText<number> = text;
    expect([unbranded, other]).toEqual(['{}', text]);
  });
});
