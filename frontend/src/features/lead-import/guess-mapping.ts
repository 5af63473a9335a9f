import { LEAD_IMPORT_FIELDS, type LeadImportField, type LeadImportMapping } from '@crm/contracts/browser';

/** Header words that name each field (lower case, without accents), in Spanish and English. */
const WORDS: Record<LeadImportField, string[]> = {
  name: ['nombre', 'name', 'cliente', 'contacto'],
  phone: ['telefono', 'phone', 'celular', 'whatsapp', 'movil', 'tel', 'mobile', 'cel'],
  email: ['correo', 'email', 'e-mail', 'mail'],
  tags: ['etiquetas', 'etiqueta', 'tags', 'tag'],
  notes: ['notas', 'nota', 'notes', 'comentarios', 'observaciones'],
  source: ['origen', 'fuente', 'source'],
};

export function normalizeHeader(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

/**
 * A first mapping from the header's names: a column whose name is one of a field's words (or starts with one, as
 * in "Teléfono móvil" or "Nombre completo") goes to that field; each column to one field at most.
 */
export function guessMapping(header: readonly string[]): LeadImportMapping {
  const names = header.map(normalizeHeader);
  const used = new Set<number>();
  const mapping: LeadImportMapping = {};
  for (const field of LEAD_IMPORT_FIELDS) {
    const words = WORDS[field];
    const exact = names.findIndex((name, i) => !used.has(i) && words.includes(name));
    const index =
      exact >= 0
        ? exact
        : names.findIndex(
            (name, i) => !used.has(i) && words.some((word) => name.split(/[\s_-]+/)[0] === word),
          );
    if (index >= 0) {
      mapping[field] = index;
      used.add(index);
    }
  }
  return mapping;
}
