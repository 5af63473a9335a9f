import { isOptOutText } from '../opt-out';

describe('isOptOutText', () => {
  it.each([
    'STOP',
    'stop',
    ' Stop ',
    'BAJA',
    'baja',
    'Cancelar',
    'NO MAS',
    'no más',
    'No   Más',
    'NO MÁS',
    'Baja.',
    '¡Stop!',
  ])('treats %p as an opt-out', (text) => {
    expect(isOptOutText(text)).toBe(true);
  });

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
  ])('does not treat %p as an opt-out', (text) => {
    expect(isOptOutText(text)).toBe(false);
  });

  it('handles a missing text (media messages)', () => {
    expect(isOptOutText(undefined)).toBe(false);
    expect(isOptOutText(null)).toBe(false);
  });
});
