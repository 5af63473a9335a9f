import { templateStructure } from '../template-parameters';

describe('template structure (header, footer, buttons)', () => {
  it('reads a text header with its parameters, the footer and the buttons with URL suffix parameters', () => {
    const structure = templateStructure([
      { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}', example: { header_text: ['A-1'] } },
      { type: 'BODY', text: 'Hola {{1}}' },
      { type: 'FOOTER', text: 'Responde BAJA para no recibir más' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Sí' },
          { type: 'URL', text: 'Ver', url: 'https://x.example/t/{{1}}', example: ['abc'] },
          { type: 'URL', text: 'Web', url: 'https://x.example/' },
          { type: 'PHONE_NUMBER', text: 'Llamar', phone_number: '16467043595' },
        ],
      },
    ]);
    expect(structure).toEqual({
      headerFormat: 'TEXT',
      headerText: 'Pedido {{1}}',
      headerParameterCount: 1,
      footerText: 'Responde BAJA para no recibir más',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Sí', url: null, parameterCount: 0 },
        { type: 'URL', text: 'Ver', url: 'https://x.example/t/{{1}}', parameterCount: 1 },
        { type: 'URL', text: 'Web', url: 'https://x.example/', parameterCount: 0 },
        { type: 'PHONE_NUMBER', text: 'Llamar', url: null, parameterCount: 0 },
      ],
    });
  });

  it('reports a media header without text parameters and tolerates lowercase types and missing parts', () => {
    expect(
      templateStructure([
        { type: 'header', format: 'image' },
        { type: 'body', text: 'x' },
      ]),
    ).toEqual({
      headerFormat: 'IMAGE',
      headerText: null,
      headerParameterCount: 0,
      footerText: null,
      buttons: [],
    });
  });

  it('ignores a LOCATION header and malformed buttons', () => {
    const structure = templateStructure([
      { type: 'HEADER', format: 'LOCATION' },
      { type: 'BUTTONS', buttons: [null, 'x', { type: 'COPY_CODE', text: 'Copiar' }] },
    ]);
    expect(structure.headerFormat).toBeNull();
    expect(structure.buttons).toEqual([{ type: 'COPY_CODE', text: 'Copiar', url: null, parameterCount: 1 }]);
  });
});
