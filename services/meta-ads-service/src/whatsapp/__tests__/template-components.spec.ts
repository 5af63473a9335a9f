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

  it('sends a media header as its media object by link (a document with its file name)', () => {
    expect(
      templateComponents({
        headerMedia: { format: 'IMAGE', link: 'https://cdn.example.mx/promo.jpg' },
        bodyParameters: [],
      }),
    ).toEqual([
      {
        type: 'header',
        parameters: [{ type: 'image', image: { link: 'https://cdn.example.mx/promo.jpg' } }],
      },
    ]);
    expect(
      templateComponents({
        headerMedia: {
          format: 'DOCUMENT',
          link: 'https://cdn.example.mx/cotizacion.pdf',
          filename: 'Cotización.pdf',
        },
        bodyParameters: ['Ana'],
      })[0],
    ).toEqual({
      type: 'header',
      parameters: [
        {
          type: 'document',
          document: { link: 'https://cdn.example.mx/cotizacion.pdf', filename: 'Cotización.pdf' },
        },
      ],
    });
  });
});
