import { bodyTextOf, countPositionalParameters, normaliseLanguage } from '../template-parameters';

describe('template parameter counting', () => {
  it('counts distinct positional placeholders', () => {
    expect(countPositionalParameters('Hola {{1}}, tu cita es el {{2}} a las {{3}}.')).toBe(3);
  });

  it('counts a repeated placeholder once and tolerates spaces', () => {
    expect(countPositionalParameters('{{1}} y {{ 1 }} y {{2}}')).toBe(2);
  });

  it('is zero without placeholders and ignores named or malformed ones', () => {
    expect(countPositionalParameters('Gracias por escribirnos')).toBe(0);
    expect(countPositionalParameters('Hola {{first_name}} {1} {{}}')).toBe(0);
  });

  it('reads the BODY component only', () => {
    const components = [
      { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}' },
      { type: 'BODY', text: 'Hola {{1}}, recoge en {{2}}.' },
      { type: 'FOOTER', text: 'STOP {{9}}' },
    ];
    expect(bodyTextOf(components)).toBe('Hola {{1}}, recoge en {{2}}.');
    expect(countPositionalParameters(bodyTextOf(components))).toBe(2);
    expect(bodyTextOf([{ type: 'HEADER', text: 'x' }])).toBe('');
  });

  it('normalises webhook language codes', () => {
    expect(normaliseLanguage('en-US')).toBe('en_US');
    expect(normaliseLanguage('es')).toBe('es');
  });
});
