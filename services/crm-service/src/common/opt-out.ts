/** Replies that mean "stop messaging me" (compared without case, accents, surrounding spaces or end punctuation). */
export const OPT_OUT_KEYWORDS = ['STOP', 'BAJA', 'CANCELAR', 'NO MAS'] as const;

/** `true` when the whole message is an opt-out keyword, e.g. " stop ", "Baja.", "No más". */
export function isOptOutText(text: string | null | undefined): boolean {
  if (!text) return false;
  const normalized = text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!¡]+$/u, '')
    .replace(/^[¡!]+/u, '')
    .trim()
    .toUpperCase();
  return (OPT_OUT_KEYWORDS as readonly string[]).includes(normalized);
}
