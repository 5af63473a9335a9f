import {
  DEFAULT_OPT_OUT_BUTTON_TEXTS,
  DEFAULT_OPT_OUT_KEYWORDS,
  type InboundButtonReply,
  type OptOutSource,
} from '@crm/contracts';

/** A tenant's opt-out phrases (`crm.tenants.opt_out_keywords` / `opt_out_button_texts`). */
export type OptOutPhrases = { keywords: readonly string[]; buttonTexts: readonly string[] };

export const DEFAULT_OPT_OUT_PHRASES: OptOutPhrases = {
  keywords: DEFAULT_OPT_OUT_KEYWORDS,
  buttonTexts: DEFAULT_OPT_OUT_BUTTON_TEXTS,
};

/**
 * A message as compared with opt-out phrases: no case, accents, repeated or surrounding spaces, or surrounding
 * `.`, `!`, `¡` — so " stop ", "Baja." and "¡No más!" read as `STOP`, `BAJA` and `NO MAS`.
 */
export function normalizeOptOutText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!¡]+$/u, '')
    .replace(/^[¡!]+/u, '')
    .trim()
    .toUpperCase();
}

/** `true` when the whole message is one of `keywords` (compared as `normalizeOptOutText` does). */
export function isOptOutText(
  text: string | null | undefined,
  keywords: readonly string[] = DEFAULT_OPT_OUT_KEYWORDS,
): boolean {
  if (!text) return false;
  const normalized = normalizeOptOutText(text);
  if (!normalized) return false;
  return keywords.some((keyword) => normalizeOptOutText(keyword) === normalized);
}

/**
 * Whether an inbound message opts its sender out, and how: a tapped quick-reply button whose payload or text is an
 * opt-out keyword or button text (`button`), else a typed message that is exactly a keyword (`keyword`).
 */
export function optOutSourceOf(
  message: { text?: string | null; buttonReply?: InboundButtonReply },
  phrases: OptOutPhrases,
): OptOutSource | null {
  const reply = message.buttonReply;
  if (reply) {
    const phrasesOfButtons = [...phrases.keywords, ...phrases.buttonTexts];
    const tapped = [reply.payload, reply.text, message.text];
    return tapped.some((value) => isOptOutText(value, phrasesOfButtons)) ? 'button' : null;
  }
  return isOptOutText(message.text, phrases.keywords) ? 'keyword' : null;
}

/** Phrases as stored: trimmed, blanks and duplicates (as compared) dropped, first spelling kept. */
export function cleanOptOutPhrases(phrases: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const phrase of phrases) {
    const trimmed = phrase.replace(/\s+/g, ' ').trim();
    const key = normalizeOptOutText(trimmed);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(trimmed);
  }
  return out;
}
