import { mappingMisfit, type TemplateFacts } from './template-preflight';

const template: TemplateFacts = {
  name: 'recordatorio_cita',
  language: 'es',
  status: 'APPROVED',
  bodyText: 'Hola {{1}}, te esperamos el {{2}} a las {{3}}.',
  parameterCount: 3,
  headerFormat: 'TEXT',
  headerText: 'Cita de {{1}}',
  headerParameterCount: 1,
  buttonParameterCounts: [0, 1],
};
const rule = (mapping: Partial<Parameters<typeof mappingMisfit>[0]['mapping']>) => ({
  templateName: 'recordatorio_cita',
  templateLanguage: 'es',
  mapping: {
    header: ['lead.first_name' as const],
    body: ['lead.first_name' as const, 'opportunity.deadline' as const, 'opportunity.title' as const],
    buttons: [{ index: 1, source: 'lead.phone' as const }],
    ...mapping,
  },
});

describe('pre-flight check of a mapping against its template', () => {
  it('fits when every part has exactly as many parameters as placeholders', () => {
    expect(mappingMisfit(rule({}), template)).toBeNull();
  });

  it('refuses a template that is not approved', () => {
    expect(mappingMisfit(rule({}), { ...template, status: 'PAUSED' })?.message).toBe(
      'template recordatorio_cita (es) is PAUSED, only APPROVED templates can be sent',
    );
  });

  it('refuses wrong header, body and button counts, naming the part', () => {
    expect(mappingMisfit(rule({ header: [] }), template)?.details).toMatchObject({ field: 'mapping.header' });
    expect(mappingMisfit(rule({ body: ['lead.first_name'] }), template)?.message).toBe(
      'template recordatorio_cita (es) has 3 variable(s) but the mapping has 1',
    );
    expect(mappingMisfit(rule({ buttons: [] }), template)?.message).toBe(
      'template recordatorio_cita (es): button 1 has 1 variable(s) but the mapping has 0',
    );
    expect(
      mappingMisfit(
        rule({
          buttons: [
            { index: 1, source: 'lead.phone' },
            { index: 4, source: 'lead.phone' },
          ],
        }),
        template,
      )?.message,
    ).toBe('template recordatorio_cita (es) has no button 4');
  });

  it('from the template list (no details) only the body count is checked', () => {
    const listed = { ...template, headerParameterCount: null, buttonParameterCounts: null };
    expect(mappingMisfit(rule({ header: [], buttons: [] }), listed)).toBeNull();
    expect(mappingMisfit(rule({ body: [] }), listed)).not.toBeNull();
  });

  describe('a media header', () => {
    const imageTemplate: TemplateFacts = {
      ...template,
      headerFormat: 'IMAGE',
      headerText: null,
      headerParameterCount: 0,
    };
    const image = { format: 'IMAGE' as const, link: 'https://cdn.example.mx/promo.jpg' };

    it('needs the media to send with it, of the same format', () => {
      expect(mappingMisfit(rule({ header: [] }), imageTemplate)?.details).toMatchObject({
        field: 'mapping.headerMedia',
        reason: 'header_media_missing',
      });
      expect(mappingMisfit(rule({ header: [], headerMedia: image }), imageTemplate)).toBeNull();
      expect(
        mappingMisfit(
          rule({ header: [], headerMedia: { format: 'VIDEO', link: 'https://cdn.example.mx/a.mp4' } }),
          imageTemplate,
        )?.message,
      ).toBe('the header of template recordatorio_cita (es) is IMAGE, not VIDEO');
    });

    it('is refused on a template without one', () => {
      expect(mappingMisfit(rule({ headerMedia: image }), template)?.details).toMatchObject({
        reason: 'header_media_unexpected',
      });
    });
  });
});
