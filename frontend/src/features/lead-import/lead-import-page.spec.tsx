import type { LeadImportUpload, LeadImportView } from '@crm/contracts/browser';
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SESSION_QUERY_KEY } from '../../api/query-client';
import { json, pending, stubFetch } from '../../test/fetch-stub';
import { lead, page } from '../../test/fixtures';
import { renderWithApp, sessionUser, testQueryClient } from '../../test/render';
import { LeadsPage } from '../leads/leads-page';
import { LeadImportPage } from './lead-import-page';

const ID = '99999999-9999-4999-8999-999999999999';
const HEADER = ['Nombre', 'Teléfono', 'Correo', 'Ciudad'];

function job(overrides: Partial<LeadImportView> = {}): LeadImportView {
  return {
    id: ID,
    status: 'uploaded',
    fileName: 'clientes.csv',
    header: HEADER,
    totalRows: 1200,
    processedRows: 0,
    created: 0,
    duplicates: 0,
    rejected: 0,
    mapping: null,
    createdBy: '00000000-0000-4000-8000-0000000000a1',
    createdByName: 'Ana Torres',
    createdAt: '2026-11-26T16:23:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

const UPLOAD: LeadImportUpload = {
  import: job(),
  preview: [
    ['Lucía Hernández', '55 1234 5678', 'lucia@example.mx', 'CDMX'],
    ['Pedro Páramo', '55 8765 4321', '', 'Comala'],
  ],
};

function signedIn(role: 'ceo' | 'setter' = 'ceo') {
  const client = testQueryClient();
  client.setQueryData(SESSION_QUERY_KEY, sessionUser(role));
  return client;
}

function renderImport(path = '/leads/import', role: 'ceo' | 'setter' = 'ceo') {
  return renderWithApp(<LeadImportPage />, {
    path,
    route: '/leads/import',
    client: signedIn(role),
    authenticated: true,
  });
}

function chooseFile(content = 'Nombre,Teléfono\nAna,5512345678\n') {
  const input = screen.getByLabelText('Archivo CSV');
  fireEvent.change(input, { target: { files: [new File([content], 'clientes.csv', { type: 'text/csv' })] } });
}

describe('LeadImportPage', () => {
  it('uploads the chosen file as text/csv and guesses the mapping from the header', async () => {
    const api = stubFetch({ 'POST /crm/leads/imports': UPLOAD });
    const { user } = renderImport();
    const upload = screen.getByRole('button', { name: 'Subir archivo' });
    expect(upload).toBeDisabled();
    chooseFile();
    await user.click(upload);

    const mapping = await screen.findByTestId('import-mapping');
    expect(api.calls('POST /crm/leads/imports')[0]!.query.get('fileName')).toBe('clientes.csv');
    expect(
      within(mapping).getByText(
        'clientes.csv: 1,200 filas. Elige la columna de cada dato; nombre y teléfono son obligatorios.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Nombre *')).toHaveValue('0');
    expect(screen.getByLabelText('Teléfono *')).toHaveValue('1');
    expect(screen.getByLabelText('Correo')).toHaveValue('2');
    expect(screen.getByLabelText('Etiquetas')).toHaveValue('');
    const preview = screen.getByTestId('import-preview');
    expect(within(preview).getByText('Pedro Páramo')).toBeInTheDocument();
    expect(within(preview).getByRole('columnheader', { name: 'Ciudad' })).toBeInTheDocument();
  });

  it('says in words why a file was refused (Latin-1, 200 columns)', async () => {
    const api = stubFetch({
      'POST /crm/leads/imports': () =>
        json(
          {
            statusCode: 400,
            code: 'VALIDATION',
            message: 'the file is not UTF-8',
            details: { reason: 'not_utf8' },
          },
          400,
        ),
    });
    const { user } = renderImport();
    chooseFile();
    await user.click(screen.getByRole('button', { name: 'Subir archivo' }));
    expect(await screen.findByTestId('import-error')).toHaveTextContent(
      'El archivo no está en UTF-8. En Excel, guárdalo como «CSV UTF-8 (delimitado por comas)» y vuelve a subirlo.',
    );

    api.use({
      'POST /crm/leads/imports': () =>
        json(
          {
            statusCode: 400,
            code: 'VALIDATION',
            message: 'too many columns',
            details: { reason: 'too_many_columns', columns: 200, max: 100 },
          },
          400,
        ),
    });
    await user.click(screen.getByRole('button', { name: 'Subir archivo' }));
    expect(
      await screen.findByText('El archivo tiene 200 columnas; se aceptan hasta 100.'),
    ).toBeInTheDocument();
  });

  it('needs name and phone before it starts, then sends the mapping and shows the progress', async () => {
    const api = stubFetch({
      'POST /crm/leads/imports': UPLOAD,
      [`POST /crm/leads/imports/${ID}/start`]: job({
        status: 'running',
        startedAt: '2026-11-26T16:24:00.000Z',
      }),
      [`GET /crm/leads/imports/${ID}`]: job({ status: 'running', processedRows: 300 }),
    });
    const { user } = renderImport();
    chooseFile();
    await user.click(screen.getByRole('button', { name: 'Subir archivo' }));
    await screen.findByTestId('import-mapping');

    await user.selectOptions(screen.getByLabelText('Teléfono *'), '');
    expect(screen.getByText('Elige la columna del nombre y la del teléfono.')).toBeInTheDocument();
    const start = screen.getByRole('button', { name: 'Importar 1,200 filas' });
    expect(start).toBeDisabled();
    await user.selectOptions(screen.getByLabelText('Teléfono *'), 'Teléfono');
    await user.selectOptions(screen.getByLabelText('Notas'), 'Ciudad');
    await user.click(start);

    expect(api.calls(`POST /crm/leads/imports/${ID}/start`)[0]!.body).toEqual({
      mapping: { name: 0, phone: 1, email: 2, notes: 3 },
    });
    // The answer to start first, then the progress read every second.
    const bar = await screen.findByRole('progressbar');
    expect(bar).toHaveAttribute('aria-valuemax', '1200');
    expect(screen.getByText('0 de 1,200 filas procesadas')).toBeInTheDocument();
    expect(
      await screen.findByText('300 de 1,200 filas procesadas', {}, { timeout: 3000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '300');
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '25%');
  }, 15_000);

  it('shows a loading placeholder while it reads an import from the address', async () => {
    stubFetch({ [`GET /crm/leads/imports/${ID}`]: pending });
    renderImport(`/leads/import?id=${ID}`);
    expect(await screen.findByRole('status')).toHaveTextContent('Cargando…');
  });

  it('shows the counts of a finished import and links the rejected rows in the UI language', async () => {
    stubFetch({
      [`GET /crm/leads/imports/${ID}`]: job({
        status: 'done',
        processedRows: 1200,
        created: 1150,
        duplicates: 38,
        rejected: 12,
      }),
    });
    renderImport(`/leads/import?id=${ID}`);
    const result = await screen.findByTestId('import-result');
    expect(within(result).getByText('Importación terminada')).toBeInTheDocument();
    expect(screen.getByTestId('import-count-created')).toHaveTextContent('1,150');
    expect(screen.getByTestId('import-count-duplicates')).toHaveTextContent('38');
    expect(screen.getByTestId('import-count-rejected')).toHaveTextContent('12');
    expect(screen.getByRole('link', { name: 'Descargar rechazados' })).toHaveAttribute(
      'href',
      `/crm/leads/imports/${ID}/rejects.csv?lang=es`,
    );
  });

  it('offers no download when nothing was rejected, and says when an import stopped', async () => {
    stubFetch({
      [`GET /crm/leads/imports/${ID}`]: job({ status: 'failed', processedRows: 500, created: 500 }),
    });
    renderImport(`/leads/import?id=${ID}`);
    expect(await screen.findByText('La importación se detuvo')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Se procesaron 500 de 1,200 filas; los leads ya creados se conservan.',
    );
    expect(screen.queryByRole('link', { name: 'Descargar rechazados' })).toBeNull();
  });

  it('shows an error with a retry when the import cannot be read', async () => {
    stubFetch({
      [`GET /crm/leads/imports/${ID}`]: () =>
        json({ statusCode: 404, code: 'NOT_FOUND', message: 'import not found' }, 404),
    });
    renderImport(`/leads/import?id=${ID}`);
    expect(await screen.findByTestId('error-state')).toHaveAttribute('data-code', 'NOT_FOUND');
    expect(screen.getByRole('button', { name: 'Reintentar' })).toBeInTheDocument();
  });

  it('is not for setters', async () => {
    stubFetch({});
    renderImport('/leads/import', 'setter');
    expect(await screen.findByTestId('no-access')).toBeInTheDocument();
  });
});

describe('LeadsPage import button', () => {
  it('is shown to a ceo and leads to the import', async () => {
    stubFetch({ 'GET /crm/leads': page([lead()], 1), 'GET /crm/users': [] });
    renderWithApp(<LeadsPage />, { path: '/leads', client: signedIn('ceo'), authenticated: true });
    expect(await screen.findByRole('link', { name: 'Importar' })).toHaveAttribute('href', '/leads/import');
  });

  it('is not shown to a setter', async () => {
    stubFetch({ 'GET /crm/leads': page([lead()], 1) });
    renderWithApp(<LeadsPage />, { path: '/leads', client: signedIn('setter'), authenticated: true });
    await screen.findByTestId('leads-table');
    expect(screen.queryByRole('link', { name: 'Importar' })).toBeNull();
  });
});
