import type { TemplateDetailView } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch } from '../../test/fetch-stub';
import { renderWithApp } from '../../test/render';
import { TemplatesPage } from './templates-page';

const DETAILS = 'GET /crm/marketing/automation/templates/details';
const CREATE = 'POST /crm/marketing/automation/templates';

function template(overrides: Partial<TemplateDetailView> = {}): TemplateDetailView {
  return {
    id: 'tpl-1',
    name: 'seguimiento_lead',
    language: 'es',
    status: 'APPROVED',
    category: 'UTILITY',
    bodyText: 'Hola {{1}}, ¿seguimos con tu consulta?',
    parameterCount: 1,
    syncedAt: '2026-11-26T16:00:00.000Z',
    qualityScore: 'GREEN',
    reason: null,
    rejectionInfo: null,
    headerFormat: 'TEXT',
    headerText: 'Seguimiento',
    headerParameterCount: 0,
    footerText: 'Inmobiliaria Sol',
    buttons: [{ type: 'QUICK_REPLY', text: 'Sí', url: null, parameterCount: 0 }],
    statusUpdatedAt: null,
    ...overrides,
  };
}

describe('TemplatesPage', () => {
  it('shows a loading placeholder while the templates load', () => {
    stubFetch({ [DETAILS]: () => pending() });
    renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
    expect(screen.getByRole('status')).toHaveTextContent('Cargando');
  });

  it('says so when the account has no templates', async () => {
    stubFetch({ [DETAILS]: [] });
    renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
    expect(await screen.findByText('Tu cuenta de WhatsApp aún no tiene plantillas.')).toBeInTheDocument();
  });

  it('shows an error with a retry when the list cannot be read', async () => {
    stubFetch({ [DETAILS]: () => apiError(409, 'META_NOT_CONNECTED', 'Meta is not connected') });
    renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
    const alert = await screen.findByTestId('error-state');
    expect(alert).toHaveAttribute('data-code', 'META_NOT_CONNECTED');
  });

  it('lists templates with status, category, quality and Meta’s reason and rejection in words', async () => {
    stubFetch({
      [DETAILS]: [
        template(),
        template({
          id: 'tpl-2',
          name: 'promo_junio',
          status: 'REJECTED',
          category: 'MARKETING',
          qualityScore: 'UNKNOWN',
          reason: 'INCORRECT_CATEGORY',
          rejectionInfo: { reason: 'Contenido promocional', recommendation: 'Usa la categoría marketing' },
          statusUpdatedAt: '2026-11-26T16:30:00.000Z',
        }),
      ],
    });
    renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
    const list = await screen.findByRole('list', { name: 'Plantillas de WhatsApp' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByText('Aprobada')).toBeInTheDocument();
    expect(within(items[0]!).getByText('español')).toBeInTheDocument();
    expect(within(items[0]!).queryByText('es')).toBeNull();
    expect(within(items[0]!).getByText('Utilidad')).toBeInTheDocument();
    expect(within(items[0]!).getByText('Calidad: Alta')).toBeInTheDocument();
    expect(within(items[0]!).getByText('Hola {{1}}, ¿seguimos con tu consulta?')).toBeInTheDocument();
    expect(within(items[1]!).getByText('Rechazada')).toBeInTheDocument();
    expect(within(items[1]!).getByText('Motivo: Categoría incorrecta')).toBeInTheDocument();
    expect(
      within(items[1]!).getByText(
        'Meta la rechazó: Contenido promocional. Recomendación: Usa la categoría marketing',
      ),
    ).toBeInTheDocument();
  });

  it('checks the form before sending: name, body variables in order and an example per variable', async () => {
    const fetch = stubFetch({ [DETAILS]: [] });
    const { user } = renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
    await user.click(await screen.findByRole('button', { name: 'Nueva plantilla' }));
    expect(screen.getByLabelText('Cuerpo del mensaje')).toHaveAccessibleDescription(
      'Usa variables numeradas entre llaves dobles: {{1}}, {{2}}, {{3}}…',
    );
    await user.type(screen.getByLabelText('Nombre (minúsculas, números y _)'), 'Promo Junio');
    await user.type(screen.getByLabelText('Cuerpo del mensaje'), 'Hola {{{{1}}, oferta en {{{{3}}.');
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(
      screen.getByText('El nombre solo puede tener minúsculas, números y guion bajo.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Las variables deben ir en orden, empezando por la 1.')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Cuerpo del mensaje'));
    await user.type(screen.getByLabelText('Cuerpo del mensaje'), 'Hola {{{{1}}, tenemos una oferta.');
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(
      screen.getByText('Escribe un ejemplo para esta variable; Meta lo exige para revisar.'),
    ).toBeInTheDocument();
    expect(fetch.calls(CREATE)).toHaveLength(0);
  });

  it('sends the template and shows Meta’s validation message when Meta refuses it', async () => {
    const fetch = stubFetch({
      [DETAILS]: [],
      [CREATE]: () =>
        apiError(
          422,
          'META_REJECTED',
          'Content in this language already exists: There is already es content for the template promo_junio.',
        ),
    });
    const { user } = renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
    await user.click(await screen.findByRole('button', { name: 'Nueva plantilla' }));
    await user.type(screen.getByLabelText('Nombre (minúsculas, números y _)'), 'promo_junio');
    await user.type(screen.getByLabelText('Cuerpo del mensaje'), 'Hola {{{{1}}, tenemos una oferta.');
    await user.type(screen.getByLabelText('Ejemplo para la variable 1'), 'Ana');
    await user.click(screen.getByRole('button', { name: 'Agregar botón' }));
    await user.type(screen.getByLabelText('Texto del botón'), 'Me interesa');
    await user.click(screen.getByRole('button', { name: 'Agregar botón' }));
    const types = screen.getAllByLabelText('Tipo de botón');
    await user.selectOptions(types[1]!, 'URL');
    await user.type(screen.getAllByLabelText('Texto del botón')[1]!, 'Ver');
    await user.type(screen.getByLabelText('URL del botón'), 'https://sol.example/o/{{{{1}}');
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(
      screen.getByText('Escribe un ejemplo para esta variable; Meta lo exige para revisar.'),
    ).toBeInTheDocument();
    await user.type(screen.getByLabelText('Ejemplo del final de la URL (variable 1)'), '42');
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(await screen.findByText('Meta no aceptó la plantilla')).toBeInTheDocument();
    expect(screen.getByText(/There is already es content for the template promo_junio/)).toBeInTheDocument();
    expect(fetch.calls(CREATE)[0]!.body).toEqual({
      name: 'promo_junio',
      language: 'es',
      category: 'MARKETING',
      header: null,
      body: { text: 'Hola {{1}}, tenemos una oferta.', examples: ['Ana'] },
      footer: null,
      buttons: [
        { type: 'QUICK_REPLY', text: 'Me interesa' },
        { type: 'URL', text: 'Ver', url: 'https://sol.example/o/{{1}}', example: ['42'] },
      ],
    });
  });

  it('closes the form and reloads the list after Meta accepts the template', async () => {
    let created = false;
    stubFetch({
      [DETAILS]: () => json(created ? [template({ name: 'promo_junio', status: 'PENDING' })] : []),
      [CREATE]: () => {
        created = true;
        return json(template({ name: 'promo_junio', status: 'PENDING' }), 201);
      },
    });
    const { user } = renderWithApp(<TemplatesPage />, { path: '/automation/templates' });
    await user.click(await screen.findByRole('button', { name: 'Nueva plantilla' }));
    await user.type(screen.getByLabelText('Nombre (minúsculas, números y _)'), 'promo_junio');
    await user.type(screen.getByLabelText('Cuerpo del mensaje'), 'Hola, tenemos una oferta.');
    await user.click(screen.getByRole('button', { name: 'Enviar a revisión de Meta' }));
    expect(await screen.findByText('En revisión')).toBeInTheDocument();
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
  });
});
