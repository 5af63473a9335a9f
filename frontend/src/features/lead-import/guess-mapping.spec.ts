import { describe, expect, it } from 'vitest';
import { guessMapping } from './guess-mapping';

describe('guessMapping', () => {
  it('maps Spanish and English header names, accents and case aside', () => {
    expect(guessMapping(['NOMBRE', 'Teléfono', 'Correo', 'Etiquetas', 'Notas', 'Origen'])).toEqual({
      name: 0,
      phone: 1,
      email: 2,
      tags: 3,
      notes: 4,
      source: 5,
    });
    expect(guessMapping(['email', 'Full name', 'WhatsApp', 'tags'])).toEqual({
      email: 0,
      phone: 2,
      tags: 3,
    });
    expect(guessMapping(['Nombre completo', 'Celular', 'Ciudad'])).toEqual({ name: 0, phone: 1 });
  });

  it('prefers an exact name and gives each column one field', () => {
    expect(guessMapping(['Teléfono oficina', 'Teléfono'])).toEqual({ phone: 1 });
    expect(guessMapping(['Nombre', 'nombre'])).toEqual({ name: 0 });
  });
});
