import { DEFAULT_OPT_OUT_PHRASES, cleanOptOutPhrases, isOptOutText, optOutSourceOf } from '../opt-out';

describe('isOptOutText', () => {
  it.each(['STOP', 'stop', ' Stop ', 'BAJA', 'baja', 'Cancelar', 'Baja.', '¡Stop!', 'cAnCeLaR!!'])(
    'treats %p as an opt-out with the default keywords',
    (text) => {
      expect(isOptOutText(text)).toBe(true);
    },
  );

  it.each([
    '',
    '   ',
    'hola',
    'stop please',
    'no',
    'más información',
    'quiero darme de baja mañana',
    'STOPS',
    'bajar',
    'no más',
  ])('does not treat %p as an opt-out with the default keywords', (text) => {
    expect(isOptOutText(text)).toBe(false);
  });

  it('compares configured keywords without case, accents or extra spaces on either side', () => {
    const keywords = ['No más', 'ALTO'];
    expect(isOptOutText('NO   MAS', keywords)).toBe(true);
    expect(isOptOutText('no más.', keywords)).toBe(true);
    expect(isOptOutText('alto', keywords)).toBe(true);
    expect(isOptOutText('stop', keywords)).toBe(false);
    expect(isOptOutText('stop', [])).toBe(false);
  });

  it('handles a missing text (media messages)', () => {
    expect(isOptOutText(undefined)).toBe(false);
    expect(isOptOutText(null)).toBe(false);
  });
});

describe('optOutSourceOf', () => {
  it('a typed keyword is a keyword opt-out; a typed button text is not', () => {
    expect(optOutSourceOf({ text: 'Baja' }, DEFAULT_OPT_OUT_PHRASES)).toBe('keyword');
    expect(optOutSourceOf({ text: 'Stop promotions' }, DEFAULT_OPT_OUT_PHRASES)).toBeNull();
  });

  it('a tapped button opts out by its payload or its text (button texts and keywords)', () => {
    const phrases = DEFAULT_OPT_OUT_PHRASES;
    expect(
      optOutSourceOf(
        { text: 'Stop promotions', buttonReply: { kind: 'button', payload: 'x1', text: 'Stop promotions' } },
        phrases,
      ),
    ).toBe('button');
    expect(
      optOutSourceOf(
        { buttonReply: { kind: 'interactive', payload: 'BAJA', text: 'Ya no quiero' } },
        phrases,
      ),
    ).toBe('button');
    expect(
      optOutSourceOf(
        { text: 'Me interesa', buttonReply: { kind: 'button', payload: 'YES', text: 'Me interesa' } },
        phrases,
      ),
    ).toBeNull();
  });
});

describe('cleanOptOutPhrases', () => {
  it('trims, drops blanks and duplicates that compare equal, keeps the first spelling', () => {
    expect(cleanOptOutPhrases([' Baja ', 'BAJA', 'báJa.', '  ', 'No  más'])).toEqual(['Baja', 'No más']);
  });
});
