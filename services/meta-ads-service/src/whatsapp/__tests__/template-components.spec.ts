import { templateComponents } from '../sends.service';

describe('templateComponents (REFERENCE §7: the parameters of a template message)', () => {
  it('puts a text header, the body in order and URL button suffixes by index', () => {
    expect(
      templateComponents({
        headerParameters: ['Ana'],
        bodyParameters: ['Ana', '12 de diciembre'],
        buttonParameters: [{ index: 1, text: 'cita/8f2c' }],
      }),
    ).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: 'Ana' }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: '12 de diciembre' },
        ],
      },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'cita/8f2c' }] },
    ]);
  });

  it('leaves out parts without parameters (a template with no variables sends no components)', () => {
    expect(templateComponents({ bodyParameters: [] })).toEqual([]);
    expect(templateComponents({ headerParameters: [], bodyParameters: ['x'], buttonParameters: [] })).toEqual(
      [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }],
    );
  });
});
