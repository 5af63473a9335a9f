import type { TemplateDetailView, TemplateMapping } from '@crm/contracts/browser';
import { screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderWithApp } from '../../test/render';
import { fitMapping, MappingFields, requestMapping } from './mapping-fields';

const imageTemplate = {
  id: 'tpl-img',
  name: 'promo_diciembre',
  language: 'es_MX',
  status: 'APPROVED',
  category: 'MARKETING',
  bodyText: 'Hola {{1}}, mira nuestra promoción.',
  parameterCount: 1,
  syncedAt: '2026-11-26T16:00:00.000Z',
  qualityScore: null,
  reason: null,
  rejectionInfo: null,
  headerFormat: 'IMAGE',
  headerText: null,
  headerParameterCount: 0,
  footerText: null,
  buttons: [],
  statusUpdatedAt: null,
} satisfies TemplateDetailView;

const empty: TemplateMapping = { header: [], body: [], buttons: [] };

function Harness({ onMapping }: { onMapping: (mapping: TemplateMapping) => void }) {
  const [mapping, setMapping] = useState<TemplateMapping>(fitMapping(empty, imageTemplate));
  return (
    <MappingFields
      template={imageTemplate}
      mapping={mapping}
      onChange={(next) => {
        setMapping(next);
        onMapping(next);
      }}
    />
  );
}

describe('MappingFields with a media header', () => {
  it('asks for the https link of the header image and keeps it in the mapping', async () => {
    let last: TemplateMapping | null = null;
    const { user } = renderWithApp(<Harness onMapping={(m) => (last = m)} />);
    const link = screen.getByLabelText('Imagen del encabezado (enlace https)');
    await user.type(link, 'http://x');
    expect(screen.getByText('Escribe un enlace que empiece con https://')).toBeInTheDocument();
    await user.clear(link);
    await user.type(link, 'https://cdn.example.mx/promo.jpg');
    expect(screen.queryByText('Escribe un enlace que empiece con https://')).not.toBeInTheDocument();
    expect(last!.headerMedia).toEqual({ format: 'IMAGE', link: 'https://cdn.example.mx/promo.jpg' });
    expect(screen.queryByLabelText('Nombre del archivo que verá el contacto')).not.toBeInTheDocument();
  });

  it('offers a file name for a document header', () => {
    renderWithApp(
      <MappingFields
        template={{ ...imageTemplate, headerFormat: 'DOCUMENT' }}
        mapping={empty}
        onChange={() => undefined}
      />,
    );
    expect(screen.getByLabelText('Documento del encabezado (enlace https)')).toBeInTheDocument();
    expect(screen.getByLabelText('Nombre del archivo que verá el contacto')).toBeInTheDocument();
  });
});

describe('requestMapping', () => {
  it('leaves out a media link not typed yet, and any media for a template without a media header', () => {
    expect(requestMapping(empty, imageTemplate)).toEqual({
      header: [],
      body: ['lead.first_name'],
      buttons: [],
    });
    const withLink = {
      ...empty,
      headerMedia: { format: 'IMAGE' as const, link: 'https://cdn.example.mx/a.png' },
    };
    expect(requestMapping(withLink, imageTemplate).headerMedia?.link).toBe('https://cdn.example.mx/a.png');
    expect(requestMapping(withLink, { ...imageTemplate, headerFormat: 'TEXT' }).headerMedia).toBeUndefined();
  });
});
