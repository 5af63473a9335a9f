import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { FilePicker } from './file-picker';

const csv = (name: string) => new File(['day,from,to,rate\n'], name, { type: 'text/csv' });

function renderPicker() {
  const chosen: (string | null)[] = [];
  const user = userEvent.setup();
  render(
    <FilePicker
      label="Archivo CSV"
      accept=".csv,text/csv"
      hint="UTF-8, con encabezado."
      testId="file"
      onChange={(file) => chosen.push(file?.name ?? null)}
    />,
  );
  return { chosen, user };
}

describe('FilePicker', () => {
  it('shows a translated button and "Ningún archivo elegido" instead of the browser’s English', () => {
    renderPicker();
    expect(screen.getByText('Elegir archivo')).toBeInTheDocument();
    expect(screen.getByTestId('file-name')).toHaveTextContent('Ningún archivo elegido');
    const input = screen.getByLabelText('Archivo CSV');
    expect(input).toBe(screen.getByTestId('file'));
    expect(input).toHaveAttribute('type', 'file');
    expect(input).toHaveAttribute('accept', '.csv,text/csv');
    // Named by the field's label alone; the chosen file (or none) and the hint describe it.
    expect(input).toHaveAccessibleName('Archivo CSV');
    expect(input).toHaveAccessibleDescription('Ningún archivo elegido UTF-8, con encabezado.');
  });

  it('hands back the chosen file and shows its name', async () => {
    const { chosen, user } = renderPicker();
    await user.upload(screen.getByLabelText('Archivo CSV'), csv('tipos-enero.csv'));
    expect(chosen).toEqual(['tipos-enero.csv']);
    expect(screen.getByTestId('file-name')).toHaveTextContent('tipos-enero.csv');
    expect(screen.getByLabelText('Archivo CSV')).toHaveAccessibleDescription(
      'tipos-enero.csv UTF-8, con encabezado.',
    );
  });

  it('is reached with Tab (the hidden input keeps the focus order) and the button wraps it', async () => {
    const { user } = renderPicker();
    await user.tab();
    const input = screen.getByLabelText('Archivo CSV');
    expect(input).toHaveFocus();
    expect(input).toHaveClass('sr-only');
    expect(screen.getByText('Elegir archivo').closest('label')).toContainElement(input);
  });

  it('speaks English in English', async () => {
    await i18next.changeLanguage('en');
    renderPicker();
    expect(screen.getByText('Choose file')).toBeInTheDocument();
    expect(screen.getByTestId('file-name')).toHaveTextContent('No file chosen');
  });
});
