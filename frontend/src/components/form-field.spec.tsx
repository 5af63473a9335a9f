import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { CheckboxField, FieldError, PhraseListField, SelectField, TextField, phrasesOf } from './form-field';

function Controlled({ initial, onValue }: { initial: string; onValue: (value: string) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <TextField
      label="Nombre"
      hint="Como lo verán tus clientes."
      error={<FieldError testId="name-error">Falta el nombre.</FieldError>}
      testId="name"
      invalid
      maxLength={20}
      value={value}
      onChange={(next) => {
        setValue(next);
        onValue(next);
      }}
    />
  );
}

describe('form fields', () => {
  it('labels a text input, describes it with its hint, marks it invalid and hands back each value', async () => {
    const values: string[] = [];
    render(<Controlled initial="" onValue={(value) => values.push(value)} />);
    const input = screen.getByLabelText('Nombre');
    expect(input).toHaveAccessibleDescription('Como lo verán tus clientes.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAttribute('maxlength', '20');
    expect(input).toHaveAttribute('data-testid', 'name');
    expect(screen.getByTestId('name-error')).toHaveTextContent('Falta el nombre.');
    await userEvent.type(input, 'Sol');
    expect(values).toEqual(['S', 'So', 'Sol']);
  });

  it('offers a placeholder and disabled options in a select, and says which one was picked', async () => {
    const picked: string[] = [];
    render(
      <SelectField
        label="Regla"
        labelHidden
        placeholder="Todas"
        value=""
        options={[
          { value: 'a', label: 'Seguimiento' },
          { value: 'b', label: 'Recordatorio', disabled: true },
        ]}
        onChange={(value) => picked.push(value)}
      />,
    );
    const select = screen.getByRole('combobox', { name: 'Regla' });
    expect(screen.getByText('Regla')).toHaveClass('sr-only');
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual([
      'Todas',
      'Seguimiento',
      'Recordatorio',
    ]);
    expect(screen.getByRole('option', { name: 'Recordatorio' })).toBeDisabled();
    await userEvent.selectOptions(select, 'Seguimiento');
    expect(picked).toEqual(['a']);
    expect(select).not.toHaveAttribute('aria-invalid');
  });

  it('edits a phrase list one per line, and reads it back trimmed without blank lines', async () => {
    const texts: string[] = [];
    render(<PhraseListField label="Palabras" value="STOP" onChange={(text) => texts.push(text)} rows={3} />);
    const area = screen.getByLabelText('Palabras');
    expect(area.tagName).toBe('TEXTAREA');
    expect(area).toHaveAttribute('rows', '3');
    await userEvent.type(area, '{enter}');
    expect(texts).toEqual(['STOP\n']);
    expect(phrasesOf(' STOP \n\n  baja\n ')).toEqual(['STOP', 'baja']);
  });

  it('checks a checkbox by its label', async () => {
    const changes: boolean[] = [];
    render(<CheckboxField label="Activa" checked={false} onChange={(value) => changes.push(value)} />);
    await userEvent.click(screen.getByLabelText('Activa'));
    expect(changes).toEqual([true]);
  });
});
