import { fireEvent, screen } from '@testing-library/react';
import i18next from 'i18next';
import { describe, expect, it, vi } from 'vitest';
import { apiError, json, stubFetch, type StubAnswer } from '../../test/fetch-stub';
import { renderWithApp } from '../../test/render';
import { TemplatesPage } from './templates-page';

const DETAILS = 'GET /crm/marketing/automation/templates/details';
const CREATE = 'POST /crm/marketing/automation/templates';
const SAMPLES = 'POST /crm/marketing/automation/templates/media-samples';

const jpeg = (name = 'foto.jpg') =>
  new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], name, { type: 'image/jpeg' });

/** An answer the test releases when it wants (the upload stays in progress until then). */
function deferred() {
  let release!: (answer: Response) => void;
  const answer: StubAnswer = new Promise<Response>((resolve) => (release = resolve));
  return { answer, release };
}

async function openFormWithHeader(format: 'Imagen' | 'Video' | 'Documento' | 'Image') {
  const rendered = renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
  const { user } = rendered;
  await user.click(await screen.findByRole('button', { name: /Nueva plantilla|New template/ }));
  await user.selectOptions(screen.getByLabelText(/Tipo de encabezado|Header type/), format);
  return rendered;
}

describe('TemplateMediaSampleField (the sample of a media header)', () => {
  it('uploads the chosen image at once, shows its progress and “subido”, and sends the template with Meta’s handle', async () => {
    const upload = deferred();
    const fetch = stubFetch({
      [DETAILS]: [],
      [SAMPLES]: () => upload.answer,
      [CREATE]: () => apiError(422, 'META_REJECTED', 'stop here'),
    });
    const { user } = await openFormWithHeader('Imagen');
    const input = screen.getByLabelText('Archivo de ejemplo');
    expect(input).toHaveAttribute('accept', 'image/jpeg,image/png');
    expect(screen.getByText('JPEG o PNG, hasta 5 MB. Se sube a Meta al elegirlo.')).toBeInTheDocument();

    await user.upload(input, jpeg());
    expect(await screen.findByText('Subiendo «foto.jpg» a Meta…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toBeInTheDocument();
    const [request] = fetch.calls(SAMPLES);
    expect(request!.query.get('fileName')).toBe('foto.jpg');
    const init = vi.mocked(globalThis.fetch).mock.calls.at(-1)![1]!;
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('image/jpeg');
    expect(init.body).toBeInstanceOf(File);

    upload.release(json({ handle: '4::aW1hZ2UvanBlZw==:abc' }, 201));
    expect(await screen.findByText('Subido: foto.jpg')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();

    await user.type(screen.getByLabelText('Nombre (minúsculas, números y _)'), 'oferta_foto');
    await user.type(screen.getByLabelText('Cuerpo del mensaje'), 'Mira la oferta de esta semana.');
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(await screen.findByText('Meta no aceptó la plantilla')).toBeInTheDocument();
    expect(fetch.calls(CREATE)[0]!.body).toMatchObject({
      name: 'oferta_foto',
      header: { format: 'IMAGE', exampleHandle: '4::aW1hZ2UvanBlZw==:abc' },
    });
  });

  it('asks for a sample before sending, and a sample of another format is dropped when the format changes', async () => {
    const fetch = stubFetch({ [DETAILS]: [], [SAMPLES]: json({ handle: '4::pdf' }, 201) });
    const { user } = await openFormWithHeader('Documento');
    await user.type(screen.getByLabelText('Nombre (minúsculas, números y _)'), 'ficha');
    await user.type(screen.getByLabelText('Cuerpo del mensaje'), 'Aquí está la ficha del depto.');
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(
      screen.getByText('Sube un archivo de ejemplo; Meta lo exige para revisar la plantilla.'),
    ).toBeInTheDocument();

    const pdf = new File(['%PDF-1.4\n'], 'ficha.pdf', { type: 'application/pdf' });
    await user.upload(screen.getByLabelText('Archivo de ejemplo'), pdf);
    expect(await screen.findByText('Subido: ficha.pdf')).toBeInTheDocument();
    expect(screen.queryByText('Ningún archivo elegido')).not.toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Tipo de encabezado'), 'Video');
    expect(screen.queryByText('Subido: ficha.pdf')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Archivo de ejemplo')).toHaveAttribute('accept', 'video/mp4');
    expect(screen.getByText('Ningún archivo elegido')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(
      screen.getByText('Sube un archivo de ejemplo; Meta lo exige para revisar la plantilla.'),
    ).toBeInTheDocument();
    expect(fetch.calls(CREATE)).toHaveLength(0);
  });

  it('refuses another type or a file over the limit without uploading it', async () => {
    const fetch = stubFetch({ [DETAILS]: [] });
    await openFormWithHeader('Imagen');
    const input = screen.getByLabelText('Archivo de ejemplo');
    fireEvent.change(input, { target: { files: [new File(['GIF89a'], 'a.gif', { type: 'image/gif' })] } });
    expect(
      await screen.findByText('Este encabezado no admite ese tipo de archivo: usa JPEG, PNG.'),
    ).toBeInTheDocument();
    const big = jpeg('grande.jpg');
    Object.defineProperty(big, 'size', { value: 5 * 1024 * 1024 + 1 });
    fireEvent.change(input, { target: { files: [big] } });
    expect(
      await screen.findByText('El archivo pesa más de 5 MB, el máximo para este tipo.'),
    ).toBeInTheDocument();
    expect(fetch.calls(SAMPLES)).toHaveLength(0);
  });

  it.each([
    [
      () =>
        json(
          { statusCode: 400, code: 'VALIDATION', message: 'x', details: { reason: 'content_mismatch' } },
          400,
        ),
      'El contenido no corresponde al tipo del archivo; puede estar dañado o tener otra extensión.',
    ],
    [
      () => apiError(409, 'META_TOKEN_EXPIRED', 'the Meta connection has expired'),
      'La conexión con Meta venció: vuelve a conectar Meta y sube el archivo otra vez.',
    ],
    [
      () => apiError(503, 'META_UNAVAILABLE', 'Meta is temporarily unavailable'),
      'Meta no responde en este momento; intenta de nuevo en unos minutos.',
    ],
    [
      () => apiError(422, 'META_REJECTED', 'Meta rejected the request: (#100) Param file_type'),
      'Meta no aceptó el archivo: Meta rejected the request: (#100) Param file_type',
    ],
  ])('says in words why the gateway or Meta refused the file (%#)', async (answer, text) => {
    stubFetch({ [DETAILS]: [], [SAMPLES]: answer });
    const { user } = await openFormWithHeader('Imagen');
    await user.upload(screen.getByLabelText('Archivo de ejemplo'), jpeg());
    expect(await screen.findByText(text)).toBeInTheDocument();
    expect(screen.queryByText('Subido: foto.jpg')).not.toBeInTheDocument();
  });

  it('speaks English too', async () => {
    await i18next.changeLanguage('en');
    stubFetch({ [DETAILS]: [], [SAMPLES]: json({ handle: '4::abc' }, 201) });
    const { user } = await openFormWithHeader('Image');
    expect(
      screen.getByText('JPEG or PNG, up to 5 MB. It is uploaded to Meta when you choose it.'),
    ).toBeInTheDocument();
    await user.upload(screen.getByLabelText('Sample file'), jpeg());
    expect(await screen.findByText('Uploaded: foto.jpg')).toBeInTheDocument();
  });
});
