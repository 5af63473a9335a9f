import type { LeadFormCrmField, LeadFormView } from '@crm/contracts/browser';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { META_CONNECTED } from '../../test/fixtures';
import { FORM_ID, leadForm } from '../../test/lead-ads-fixtures';
import { renderWithApp, sessionUser } from '../../test/render';
import { LeadFormsSection } from './lead-forms-section';

const PUT_MAPPING = `PUT /crm/marketing/lead-ads/forms/${FORM_ID}/mapping`;

/** What the API answers to a saved mapping: the form with each question's field from it (else its default). */
function savedForm(request: StubRequest): LeadFormView {
  const { mapping } = request.body as { mapping: Record<string, LeadFormCrmField> };
  const form = leadForm();
  return {
    ...form,
    customMapping: Object.keys(mapping).length > 0,
    questions: form.questions.map((q) => ({ ...q, field: mapping[q.key] ?? q.defaultField })),
  };
}

async function openEditor(form: LeadFormView = leadForm()) {
  const api = stubFetch({
    'GET /crm/auth/me': sessionUser('professional'),
    'GET /crm/marketing/lead-ads/forms': [form],
    'GET /crm/marketing/lead-ads/backfills': [],
  });
  const rendered = renderWithApp(<LeadFormsSection status={META_CONNECTED} />, { authenticated: true });
  await rendered.user.click(
    await screen.findByRole('button', { name: 'Editar mapeo de «Cotización casas Querétaro»' }),
  );
  return { api, ...rendered, editor: screen.getByTestId('lead-form-mapping') };
}

describe('Lead Ads: the mapping editor of a form', () => {
  it('lists each question as Meta shows it, with its key and its CRM field (translated)', async () => {
    const { editor } = await openEditor();
    const rows = within(editor).getAllByTestId('lead-form-question');
    expect(rows.map((row) => row.querySelector('p')!.textContent)).toEqual([
      'Nombre completo',
      'Número de teléfono',
      'Correo electrónico',
      '¿Cuál es tu presupuesto?',
    ]);
    expect(rows[3]).toHaveTextContent('presupuesto_de_compra');
    const budget = within(editor).getByLabelText('Campo del CRM para «¿Cuál es tu presupuesto?»');
    expect(budget).toHaveValue('notes');
    expect(within(budget).getByRole('option', { name: 'Notas (predeterminado)' })).toBeInTheDocument();
    expect(within(budget).getByRole('option', { name: 'No importar' })).toBeInTheDocument();
    expect(within(budget).getByRole('option', { name: 'Etiqueta' })).toBeInTheDocument();
    expect(editor).toHaveTextContent('Se agrega a las notas como «¿Cuál es tu presupuesto?: respuesta».');
    expect(within(editor).getByTestId('lead-form-mapping-save')).toBeDisabled();
  });

  it('saves only what leaves the defaults with PUT, then shows the form as custom', async () => {
    const { api, user, editor } = await openEditor();
    api.use({ [PUT_MAPPING]: (request) => json(savedForm(request)) });
    await user.selectOptions(
      within(editor).getByLabelText('Campo del CRM para «¿Cuál es tu presupuesto?»'),
      'tag',
    );
    await user.selectOptions(
      within(editor).getByLabelText('Campo del CRM para «Correo electrónico»'),
      'ignore',
    );
    expect(within(editor).getByTestId('lead-form-mapping-unsaved')).toHaveTextContent('Cambios sin guardar');
    await user.click(within(editor).getByRole('button', { name: 'Guardar mapeo' }));

    expect(await screen.findByText(/Mapeo guardado/)).toBeInTheDocument();
    expect(api.calls(PUT_MAPPING).map((request) => request.body)).toEqual([
      { mapping: { email: 'ignore', presupuesto_de_compra: 'tag' } },
    ]);
    expect(screen.queryByTestId('lead-form-mapping')).toBeNull();
    expect(screen.getByTestId('lead-form-mapping-kind')).toHaveTextContent('Mapeo personalizado');
  });

  it('shows the API 4xx message and keeps the unsaved changes until they are saved', async () => {
    const { api, user, editor } = await openEditor();
    api.use({
      [PUT_MAPPING]: () =>
        apiError(400, 'VALIDATION', 'mapping.presupuesto_de_compra: the form has no such question'),
    });
    const budget = within(editor).getByLabelText('Campo del CRM para «¿Cuál es tu presupuesto?»');
    await user.selectOptions(budget, 'tag');
    await user.click(within(editor).getByRole('button', { name: 'Guardar mapeo' }));

    expect(await within(editor).findByTestId('lead-form-mapping-error')).toHaveTextContent(
      'No se pudo guardar: mapping.presupuesto_de_compra: the form has no such question',
    );
    expect(budget).toHaveValue('tag');
    expect(within(editor).getByTestId('lead-form-mapping-unsaved')).toBeInTheDocument();

    api.use({ [PUT_MAPPING]: (request) => json(savedForm(request)) });
    await user.click(within(editor).getByRole('button', { name: 'Guardar mapeo' }));
    expect(await screen.findByText(/Mapeo guardado/)).toBeInTheDocument();
    expect(api.calls(PUT_MAPPING)).toHaveLength(2);
  });

  it('names two questions sent to the same email before asking the API', async () => {
    const { api, user, editor } = await openEditor();
    await user.selectOptions(
      within(editor).getByLabelText('Campo del CRM para «¿Cuál es tu presupuesto?»'),
      'email',
    );
    await user.click(within(editor).getByRole('button', { name: 'Guardar mapeo' }));
    expect(within(editor).getByTestId('lead-form-mapping-clash')).toHaveTextContent(
      'solo pueden venir de una pregunta',
    );
    expect(within(editor).getAllByText('Otra pregunta también va a «Correo electrónico».')).toHaveLength(2);
    expect(api.calls(PUT_MAPPING)).toEqual([]);
  });

  it('cancel drops the changes', async () => {
    const { api, user, editor } = await openEditor();
    await user.selectOptions(
      within(editor).getByLabelText('Campo del CRM para «¿Cuál es tu presupuesto?»'),
      'ignore',
    );
    await user.click(within(editor).getByRole('button', { name: 'Cancelar' }));
    expect(screen.queryByTestId('lead-form-mapping')).toBeNull();
    await user.click(screen.getByRole('button', { name: /Editar mapeo/ }));
    expect(screen.getByLabelText('Campo del CRM para «¿Cuál es tu presupuesto?»')).toHaveValue('notes');
    expect(api.calls(PUT_MAPPING)).toEqual([]);
  });

  it('"restore defaults" puts every question back to its default and sends an empty mapping', async () => {
    const custom = leadForm({
      customMapping: true,
      questions: leadForm().questions.map((q) =>
        q.key === 'presupuesto_de_compra' ? { ...q, field: 'tag' } : q,
      ),
    });
    const { api, user, editor } = await openEditor(custom);
    api.use({ [PUT_MAPPING]: (request) => json(savedForm(request)) });
    const budget = within(editor).getByLabelText('Campo del CRM para «¿Cuál es tu presupuesto?»');
    expect(budget).toHaveValue('tag');
    await user.click(within(editor).getByRole('button', { name: 'Restaurar predeterminados' }));
    expect(budget).toHaveValue('notes');
    await user.click(within(editor).getByRole('button', { name: 'Guardar mapeo' }));
    expect(await screen.findByText(/Mapeo guardado/)).toBeInTheDocument();
    expect(api.calls(PUT_MAPPING).map((request) => request.body)).toEqual([{ mapping: {} }]);
    expect(screen.getByTestId('lead-form-mapping-kind')).toHaveTextContent('Mapeo predeterminado');
  });
});
