import { renderFreeForm } from '../recipient-guard';

describe('renderFreeForm', () => {
  it('fills {{n}} with the n-th body parameter, tolerating spaces, and leaves missing ones empty', () => {
    expect(renderFreeForm('Hola {{1}}, soy {{ 2 }} de {{3}}.', ['Ana', 'Sergio', 'Sol'])).toBe(
      'Hola Ana, soy Sergio de Sol.',
    );
    expect(renderFreeForm('Hola {{1}}{{4}}!', ['Ana'])).toBe('Hola Ana!');
    expect(renderFreeForm('Sin variables', [])).toBe('Sin variables');
  });
});
